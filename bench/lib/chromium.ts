/**
 * Debian's Chromium as every bench drives it: the flags of the common brief, and CPU throttling
 * through CDP (Emulation.setCPUThrottlingRate), which is how Chromium's devtools stand in for a
 * mid-range phone.
 */
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

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
