/**
 * Screenshots of every step of the panel, in the demo store, at phone (390x844) and desktop
 * (1280x800) sizes, in both demo themes (Saltmarsh light, Midnight dark) and once in German:
 * consent, guidance, capture, photo chosen, processing, result and error. Saved to
 * test-results/steps/ for a person to look at; the test asserts each step was reached and
 * the theme and language really applied.
 *
 * Run after a widget build: `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startDemo, type DemoServer } from '../../demo/server.ts';
import {
  choosePhoto,
  openPanel,
  openWidget,
  requireWidgetBuild,
  ROOT,
  settle,
  startBrowser,
  waitForStatus,
  watchProblems,
} from './helpers.ts';

const SHOTS = `${ROOT}test-results/steps/`;

let demo: DemoServer;
let browser: Browser;
let photoPath: string;

beforeAll(async () => {
  requireWidgetBuild();
  demo = await startDemo({
    port: 0,
    env: { TRYON_PROVIDER: 'demo', TRYON_SECRET: 'steps-secret-0123456789abcdef0123456789' },
    log: () => {},
  });
  ({ browser, photoPath } = await startBrowser(SHOTS, { camera: true }));
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const runs = [
  { viewport: { width: 390, height: 844 }, theme: 'saltmarsh', lang: '' },
  { viewport: { width: 390, height: 844 }, theme: 'midnight', lang: '' },
  { viewport: { width: 1280, height: 800 }, theme: 'saltmarsh', lang: '' },
  { viewport: { width: 1920, height: 1080 }, theme: 'saltmarsh', lang: '' },
  { viewport: { width: 1280, height: 800 }, theme: 'midnight', lang: '' },
  { viewport: { width: 390, height: 844 }, theme: 'saltmarsh', lang: 'de' },
] as const;

describe('screenshots of every step', () => {
  for (const run of runs) {
    const name = `${run.viewport.width}x${run.viewport.height}-${run.theme}${run.lang ? `-${run.lang}` : ''}`;
    it(name, async () => {
      // A fresh context: a first-time shopper (guidance shown, nothing remembered).
      const context = await browser.newContext({ viewport: run.viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const problems = watchProblems(page);
      const shot = async (step: string) => {
        await settle(page);
        await page.screenshot({ path: `${SHOTS}${name}-${step}.png` });
      };
      try {
        const query = new URLSearchParams({ ...(run.theme !== 'saltmarsh' && { theme: run.theme }), ...(run.lang && { lang: run.lang }) });
        const widget = await openWidget(page, new URL(`/?${query}`, demo.url).href);
        if (run.lang) assert.equal(await widget.getAttribute('lang'), run.lang);

        await openPanel(page, widget);
        const panel = widget.locator('[part="panel"]');
        await panel.waitFor({ state: 'visible' });
        const surface = await panel.evaluate((el) => getComputedStyle(el).backgroundColor);
        assert.equal(surface, run.theme === 'midnight' ? 'rgb(20, 22, 28)' : 'rgb(255, 255, 255)', 'the theme applies');
        if (run.lang === 'de') assert.equal(await widget.locator('#title').innerText(), 'Virtuelle Anprobe');
        await shot('1-consent');

        await widget.locator('[part="consent-checkbox"]').check();
        await widget.locator('[part="guidance"]').waitFor({ state: 'visible' });
        await shot('2-guidance');
        await widget.locator('[part="guidance-done"]').click();
        await widget.locator('[part="choose"]').waitFor({ state: 'visible' });
        await shot('3-capture');

        const submit = await choosePhoto(widget, photoPath);
        await shot('4-photo-chosen');

        await submit.click();
        assert.equal(await waitForStatus(page, ['processing', 'complete', 'error']), 'processing');
        // The demo provider queues for a second, then generates: show the generating step.
        await page.waitForFunction(
          () =>
            document.querySelector('try-on-button')?.shadowRoot?.querySelector('[data-step="generating"][data-state="current"]') != null,
          undefined,
          { timeout: 15_000 },
        );
        await shot('5-processing');

        assert.equal(await waitForStatus(page, ['complete', 'error']), 'complete');
        await widget.locator('[part="result-image"]').waitFor({ state: 'visible' });
        await shot('6-result');

        // Another colour in one tap (issue 17): the demo lists each product's colours; the page's
        // own colour picker follows, and add to cart names the variant and confirms.
        const chips = widget.locator('[part="variant"]');
        assert.equal(await chips.count(), 3);
        assert.equal(await chips.nth(0).getAttribute('aria-pressed'), 'true');
        await chips.nth(1).click();
        assert.equal(await waitForStatus(page, ['complete', 'error']), 'complete');
        await widget.locator('[part="result-image"]').waitFor({ state: 'visible' });
        assert.equal(await chips.nth(1).getAttribute('aria-pressed'), 'true');
        assert.equal(await page.locator('input[name="color"]:checked').getAttribute('value'), 'sky');
        await shot('6b-variant');
        await widget.locator('[part="add-to-cart"]').click();
        await widget.locator('[part="add-to-cart"][data-state="added"]').waitFor();
        await shot('6c-added');

        // An error: the same product with a garment host the endpoint does not allow.
        await widget.locator('[part="close"]').click();
        await waitForStatus(page, ['idle']);
        await widget.evaluate((el) => {
          el.removeAttribute('product');
          el.setAttribute('garment', 'https://not-allowed.example/shirt.png');
        });
        // The endpoint's check refuses it at open: no consent, no photo, only Close.
        await widget.locator('[part="button"]').click();
        assert.equal(await waitForStatus(page, ['consent', 'capture', 'error']), 'error');
        await widget.locator('[part="dismiss"]').waitFor({ state: 'visible' });
        await widget.locator('[part="error"]').waitFor({ state: 'visible' });
        await shot('7-error');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});
