/**
 * End to end over every provider: for each one, its local fake is started and the demo store
 * is started with nothing but environment variables changed (TRYON_PROVIDER, TRYON_API_KEY,
 * TRYON_PROVIDER_URL, TRYON_PUBLIC_URL), then a shopper completes a try-on in Chromium through
 * the element's parts. The result shown must be the PNG the fake generated.
 *
 * The fakes fetch the demo's garment images over http on 127.0.0.1 (the real APIs get https).
 * Run after a widget build: `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startDemo } from '../../demo/server.ts';
import { resultPng } from '../fakes/common.ts';
import { freePort, PROVIDER_CASES } from '../server/contract/providers.ts';
import {
  choosePhoto,
  openPanel,
  openWidget,
  requireWidgetBuild,
  ROOT,
  startBrowser,
  waitForResultImage,
  waitForStatus,
  watchProblems,
} from './helpers.ts';

const SHOTS = `${ROOT}test-results/e2e/providers/`;

let browser: Browser;
let photoPath: string;

beforeAll(async () => {
  requireWidgetBuild();
  ({ browser, photoPath } = await startBrowser(SHOTS));
});

afterAll(async () => {
  await browser?.close();
});

describe('the demo store against each provider fake, configured by environment only', () => {
  for (const pc of PROVIDER_CASES) {
    it(`${pc.name}: consent, photo, submit, the fake's result shown`, async () => {
      const apiKey = `e2e-${pc.name}-key`;
      const fake = await pc.start({ apiKey });
      pc.prepare?.(fake);
      const port = await freePort();
      const logs: Record<string, unknown>[] = [];
      const demo = await startDemo({
        port,
        env: {
          TRYON_PROVIDER: pc.name,
          TRYON_API_KEY: apiKey,
          TRYON_PROVIDER_URL: fake.url,
          TRYON_PUBLIC_URL: `http://127.0.0.1:${port}/api/try-on`,
          TRYON_SECRET: 'e2e-providers-secret-0123456789abcdef',
        },
        log: (entry) => logs.push(entry as Record<string, unknown>),
      });
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const problems = watchProblems(page);
      try {
        assert.deepEqual(await (await fetch(`${demo.url}api/try-on/health`)).json(), { ok: true, provider: pc.name });
        const widget = await openWidget(page, demo.url);

        await openPanel(page, widget);
        await widget.locator('[part="consent-checkbox"]').check();
        await (await choosePhoto(widget, photoPath)).click();

        const final = await waitForStatus(page, ['complete', 'error'], 45_000);
        if (final === 'error') {
          await page.screenshot({ path: `${SHOTS}${pc.name}-error.png` });
          assert.fail(`${pc.name}: the try-on failed: ${await widget.locator('[part="error"]').innerText()}`);
        }
        await waitForResultImage(page);
        await page.screenshot({ path: `${SHOTS}${pc.name}-result.png` });

        // The image shown is the one the provider (here its fake) generated, byte for byte.
        const src = await widget.locator('[part="result-image"]').getAttribute('src');
        assert.ok(src);
        assert.equal(new URL(src, demo.url).origin, new URL(fake.url).origin, 'the result comes from the provider');
        const shown = Buffer.from(await (await fetch(new URL(src, demo.url))).arrayBuffer());
        assert.ok(shown.equals(resultPng), 'the result is the fake provider PNG');
        assert.equal(fake.count(pc.generationRoute), 1, 'one paid generation');
        assert.deepEqual(problems, []);
        assert.deepEqual(
          logs.filter((entry) => entry.level === 'error'),
          [],
          'the endpoint logged no errors',
        );
        assert.ok(!JSON.stringify(logs).includes(apiKey), 'the key never reaches the logs');
      } finally {
        await context.close();
        await demo.close();
        await fake.close();
      }
    });
  }
});
