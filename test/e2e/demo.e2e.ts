/**
 * End to end: the demo store in real Chromium, as a shopper uses it, at phone and desktop
 * sizes: open the widget, consent, pick a photo, submit, and get the demo provider's
 * composite back through the real endpoint. Screenshots of every step go to
 * test-results/e2e/ for a human to look at.
 *
 * Run after a widget build: `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { imageSize } from 'image-size';
import { startDemo, type DemoServer } from '../../demo/server.ts';
import {
  choosePhoto,
  embeddedImages,
  openPanel,
  openWidget,
  requireWidgetBuild,
  ROOT,
  settle,
  startBrowser,
  waitForResultImage,
  waitForStatus,
  watchProblems,
} from './helpers.ts';

const SHOTS = `${ROOT}test-results/e2e/`;

interface SizeReport {
  initial: { files: { file: string }[] };
  total: { files: { file: string }[] };
}

let demo: DemoServer;
let browser: Browser;
let photoPath: string;
let sizes: SizeReport;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  requireWidgetBuild('bundle-size.json');
  sizes = JSON.parse(await readFile(`${ROOT}dist/bundle-size.json`, 'utf8')) as SizeReport;
  // A fixed environment: the developer's own TRYON_* variables must not leak into the test.
  demo = await startDemo({
    port: 0,
    env: { TRYON_PROVIDER: 'demo', TRYON_SECRET: 'e2e-secret-0123456789abcdef0123456789' },
    log: (entry) => logs.push(entry as Record<string, unknown>),
  });
  ({ browser, photoPath } = await startBrowser(SHOTS, { camera: true }));
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const flows = [
  {
    name: 'phone',
    viewport: { width: 390, height: 844 },
    path: '/',
    garment: '/garments/linen-shirt.png',
    category: 'top',
    product: 'linen-shirt',
  },
  {
    name: 'desktop',
    viewport: { width: 1280, height: 800 },
    path: '/?product=summer-dress&color=cornflower',
    garment: '/garments/summer-dress-cornflower.png',
    category: 'dress',
    product: 'summer-dress',
  },
] as const;

describe('demo store shopper flow', () => {
  for (const flow of flows) {
    it(`${flow.name} ${flow.viewport.width}x${flow.viewport.height}: consent, photo, submit, demo composite`, async () => {
      const context = await browser.newContext({ viewport: flow.viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const problems = watchProblems(page, { console: true });
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      const shot = async (step: string) => {
        await settle(page);
        await page.screenshot({ path: `${SHOTS}${flow.name}-${step}.png` });
      };

      try {
        const widget = await openWidget(page, new URL(flow.path, demo.url).href);
        await page.waitForLoadState('networkidle');

        // The page put the product's values on the tag, as a merchant's theme would.
        assert.equal(await widget.getAttribute('garment'), flow.garment);
        assert.equal(await widget.getAttribute('category'), flow.category);
        assert.equal(await widget.getAttribute('product'), flow.product);
        assert.equal(await widget.getAttribute('endpoint'), '/api/try-on');
        assert.match(
          await page.locator('.demo-note').innerText(),
          /Demo store — the try-on uses the built-in demo provider \(a labelled preview composite, not AI\)/,
        );

        // Before first use the page loads only the entry and its static imports.
        const initial = new Set(sizes.initial.files.map((f) => `/cdn/${f.file}`));
        const cdnBefore = requested.filter((p) => p.startsWith('/cdn/'));
        assert.ok(cdnBefore.includes('/cdn/try-on-button.js'));
        assert.deepEqual(
          cdnBefore.filter((p) => !initial.has(p)),
          [],
          'the panel or worker was loaded before the button was used',
        );
        await shot('1-page');

        const completed = page.evaluate(
          () =>
            new Promise<string[]>((resolve) =>
              document.addEventListener('try-on-complete', (e) => resolve((e as CustomEvent<{ images: string[] }>).detail.images), {
                once: true,
              }),
            ),
        );

        await openPanel(page, widget);
        await page.locator('try-on-button [part="panel"]').waitFor({ state: 'visible' });
        assert.ok(
          requested.some((p) => !initial.has(p) && p.startsWith('/cdn/chunks/')),
          'the panel chunk loads on first use',
        );
        await shot('2-consent');

        await widget.locator('[part="consent-checkbox"]').check();
        await shot('3-consented');

        const submit = await choosePhoto(widget, photoPath);
        await shot('4-photo');

        await submit.click();
        const midway = await waitForStatus(page, ['processing', 'complete', 'error']);
        if (midway === 'processing') await shot('5-processing');

        const final = await waitForStatus(page, ['complete', 'error']);
        if (final === 'error') {
          await shot('6-error');
          assert.fail(`the try-on failed: ${await widget.locator('[part="error"]').innerText()}`);
        }
        const result = widget.locator('[part="result-image"]');
        await waitForResultImage(page);
        await shot('6-result');

        // The demo result's "not AI" banner is at its bottom edge: the whole image must be
        // visible, not cut off by a container that clips (scrollable containers are fine).
        const clipped = await page.evaluate(() => {
          const img = document.querySelector('try-on-button')!.shadowRoot!.querySelector<HTMLImageElement>('[part="result-image"]')!;
          const box = img.getBoundingClientRect();
          const out: string[] = [];
          for (let el = img.parentElement; el; el = el.parentElement) {
            const { overflowX, overflowY } = getComputedStyle(el);
            if (![overflowX, overflowY].some((o) => o === 'hidden' || o === 'clip')) continue;
            const r = el.getBoundingClientRect();
            if (box.top < r.top - 1 || box.bottom > r.bottom + 1 || box.left < r.left - 1 || box.right > r.right + 1) {
              out.push(
                `<${el.tagName.toLowerCase()} class="${el.className}"> ${Math.round(r.width)}x${Math.round(r.height)} clips the ${Math.round(box.width)}x${Math.round(box.height)} result`,
              );
            }
          }
          return out;
        });
        assert.deepEqual(clipped, [], 'the result image is shown whole, with its demo label');

        const src = await result.getAttribute('src');
        assert.ok(src);
        assert.deepEqual(await completed, [src], 'try-on-complete carries the image shown');
        assert.equal(new URL(src, demo.url).origin, new URL(demo.url).origin, 'the result is served by the merchant endpoint');

        // The demo composite: an SVG with the label, the processed photo and this product's garment.
        const response = await fetch(new URL(src, demo.url));
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^image\/svg\+xml/);
        const svg = await response.text();
        assert.ok(svg.includes('Preview · demo provider, not AI'), 'the composite carries the demo label');
        const [photo, garment, ...rest] = embeddedImages(svg);
        assert.equal(rest.length, 0);
        assert.ok(photo && garment, 'the composite embeds a photo and a garment');
        assert.equal(photo.type, 'image/jpeg', 'the worker re-encoded the photo as JPEG');
        assert.deepEqual(imageSize(photo.bytes), { height: 1200, width: 900, type: 'jpg' });
        assert.equal(photo.bytes.includes(Buffer.from('Exif\0\0')), false, 'no EXIF in the upload');
        const garmentFile = await readFile(`${ROOT}demo/site${flow.garment}`);
        assert.ok(garment.bytes.equals(garmentFile), `the composite shows ${flow.garment}`);

        // After use, the worker came too: everything the build emitted that the flow needs.
        assert.ok(
          sizes.total.files.some((f) => /worker/.test(f.file) && requested.includes(`/cdn/${f.file}`)),
          'the photo worker was loaded from /cdn/chunks/',
        );
        assert.deepEqual(problems, []);
        const endpointErrors = logs.filter((entry) => entry.level === 'error');
        assert.deepEqual(endpointErrors, [], 'the endpoint logged no errors');
      } finally {
        await context.close();
      }
    });
  }
});

describe('demo store server', () => {
  it('serves the site, the widget and the endpoint with the right content types', async () => {
    const expectations: [string, RegExp][] = [
      ['/', /^text\/html/],
      ['/styles.css', /^text\/css/],
      ['/store.js', /^text\/javascript/],
      ['/catalog.json', /^application\/json/],
      ['/garments/denim-jacket.png', /^image\/png/],
      ['/garments/denim-jacket.svg', /^image\/svg\+xml/],
      ['/cdn/try-on-button.js', /^text\/javascript/],
      ['/api/try-on/health', /^application\/json/],
    ];
    for (const [path, type] of expectations) {
      const response = await fetch(new URL(path, demo.url));
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', type, path);
    }
    assert.deepEqual(await (await fetch(new URL('/api/try-on/health', demo.url))).json(), { ok: true, provider: 'demo' });
    assert.equal((await fetch(new URL('/cdn/try-on-button.js', demo.url))).headers.get('cache-control'), 'no-cache');
    const chunk = sizes.total.files.find((f) => f.file.startsWith('chunks/'));
    assert.ok(chunk);
    assert.match((await fetch(new URL(`/cdn/${chunk.file}`, demo.url))).headers.get('cache-control') ?? '', /immutable/);
  });

  it('does not serve files outside its folders', async () => {
    const { request } = await import('node:http');
    // fetch() normalizes "..", so send the raw paths over a socket as an attacker would.
    const rawGet = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: demo.port, path, method: 'GET' }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal((await rawGet('/styles.css')).status, 200, 'the raw client reaches real files');
    for (const path of [
      '/../server.ts',
      '/%2e%2e/server.ts',
      '/..%2fserver.ts',
      '/cdn/../../package.json',
      '/cdn/%2e%2e/%2e%2e/package.json',
      '/garments/..%5c..%5cserver.ts',
      '/server.ts',
    ]) {
      const { status, body } = await rawGet(path);
      assert.equal(status, 404, path);
      assert.ok(!body.includes('startDemo') && !body.includes('"devDependencies"'), path);
    }
  });
});

describe('demo store page messages (merchants copy this code)', () => {
  it('never shows its toast over the open panel: none on completion nor on the add to cart in the panel, gone on reopening and on an error', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    // Page errors only: the refused garment below logs its failed loads to the console on purpose.
    const problems = watchProblems(page);
    try {
      const widget = await openWidget(page, demo.url);
      // Each time the page shows its toast, note it if the panel was open then.
      await page.evaluate(() => {
        const toast = document.querySelector('[data-toast]')!;
        const seen: string[] = [];
        (window as unknown as { toastsOverPanel: string[] }).toastsOverPanel = seen;
        new MutationObserver(() => {
          const status = document.querySelector('try-on-button')!.getAttribute('status');
          if (toast.classList.contains('show') && status !== 'idle') seen.push(`${status}: ${toast.textContent}`);
        }).observe(toast, { attributes: true, attributeFilter: ['class'] });
      });
      const toastShown = () => page.locator('[data-toast]').evaluate((el) => el.classList.contains('show'));
      const overPanel = () => page.evaluate(() => (window as unknown as { toastsOverPanel: string[] }).toastsOverPanel);

      await openPanel(page, widget);
      await widget.locator('[part="consent-checkbox"]').check();
      await (await choosePhoto(widget, photoPath)).click();
      assert.equal(await waitForStatus(page, ['complete', 'error']), 'complete');
      await waitForResultImage(page);
      assert.deepEqual(await overPanel(), [], 'no page toast over the result');

      // Add to cart from the result: the panel confirms on its own button, the page adds nothing over it.
      await widget.locator('[part="add-to-cart"]').click();
      await widget.locator('[part="add-to-cart"][data-state="added"]').waitFor();
      assert.deepEqual(await overPanel(), [], 'no page toast over the panel after add to cart');
      await widget.locator('[part="close"]').click();
      await waitForStatus(page, ['idle']);
      // The page's own add to cart confirms on the page, where the panel is not.
      await page.locator('[data-buy-form] button[type="submit"]').click();
      assert.equal(await toastShown(), true, 'the page confirms its own add to cart');

      // Reopened while the confirmation is still up, with a garment the endpoint refuses: the
      // product check at open says so at once.
      await widget.evaluate((el) => {
        el.removeAttribute('product');
        el.setAttribute('garment', 'https://not-allowed.example/shirt.png');
      });
      await widget.locator('[part="button"]').click();
      assert.equal(await waitForStatus(page, ['error', 'consent', 'capture']), 'error');
      assert.equal(await toastShown(), false, 'the page message goes when the panel opens');
      assert.deepEqual(await overPanel(), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
