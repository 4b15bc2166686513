/**
 * Chromium as every bench drives it: launched exactly as the tests launch it (test/chromium.ts),
 * plus CPU throttling through CDP (Emulation.setCPUThrottlingRate), which is how Chromium's
 * devtools stand in for a mid-range phone.
 */
import type { CDPSession, Page } from 'playwright-core';

export { launchChromium } from '../../test/chromium.ts';

// Emulation settings end with the CDP session that made them, so each page keeps its session.
const sessions = new WeakMap<Page, CDPSession>();

/** Sets the page's CPU slowdown factor (1 = none) for as long as the page lives. */
export async function throttle(page: Page, rate: number): Promise<void> {
  let cdp = sessions.get(page);
  if (!cdp) {
    cdp = await page.context().newCDPSession(page);
    sessions.set(page, cdp);
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}
