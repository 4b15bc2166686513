/**
 * End to end in the three engines shoppers arrive with (issue 14): the demo store at phone size
 * in Chromium, Firefox ESR and WebKitGTK, as a shopper uses it: open the widget, consent, ask to
 * take a photo with the engine's fake camera, ask to remember it, submit, see the progress and
 * the demo provider's result, then delete the photo again. Each engine is driven by its own
 * protocol (test/engine-pages.ts); the steps are scripts in the page, the same for all three.
 * The run is made at phone size (390x844, the sheet) and desktop size (1280x800, the anchored
 * panel), and each view is saved as a PNG in test-results/engines/<engine>/ to be looked at.
 *
 * Run after a widget build: `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { imageSize } from 'image-size';
import { startDemo, type DemoServer } from '../../demo/server.ts';
import { openEnginePage, type EnginePage } from '../engine-pages.ts';
import { selectedEngines } from '../engines.ts';
import { embeddedImages, requireWidgetBuild, ROOT } from './helpers.ts';

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

let demo: DemoServer;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  requireWidgetBuild();
  demo = await startDemo({
    port: 0,
    env: { TRYON_PROVIDER: 'demo', TRYON_SECRET: 'e2e-secret-0123456789abcdef0123456789' },
    log: (entry) => logs.push(entry as Record<string, unknown>),
  });
});

afterAll(async () => {
  await demo?.close();
});

// In the page: the widget's shadow root, a part by name, and a click on it.
const PAGE_HELPERS = `(() => {
  window.__root = () => document.querySelector('try-on-button').shadowRoot;
  window.__part = (name) => window.__root()?.querySelector('[part~="' + name + '"]') ?? null;
  window.__click = (name) => { const el = window.__part(name); if (!el) throw new Error('no part ' + name); el.click(); return true; };
  window.__events = [];
  for (const type of ['try-on-photo', 'try-on-start', 'try-on-progress', 'try-on-complete', 'try-on-error']) {
    document.addEventListener(type, (event) => window.__events.push({ type, detail: event.detail }));
  }
  return true;
})()`;

/**
 * Polls `expression` in the page until it is truthy; returns its value. An element found counts
 * as `true`: the drivers hand DOM nodes back differently (puppeteer's BiDi as nothing at all).
 */
async function until<T>(page: EnginePage, expression: string, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate<T>(`(() => { const value = (${expression}); return value instanceof Node ? true : value; })()`);
    if (value) return value;
    if (Date.now() > deadline) {
      const status = await page.evaluate<string>(`document.querySelector('try-on-button')?.getAttribute('status') ?? 'none'`);
      const error = await page.evaluate<string>(`window.__part?.('error')?.textContent?.trim() ?? ''`);
      const parts = await page.evaluate<string>(
        `[...(window.__root?.()?.querySelectorAll('[part]') ?? [])].map((e) => e.getAttribute('part')).join(' ')`,
      );
      const events = await page.evaluate<string>(`JSON.stringify(window.__events ?? [])`);
      throw new Error(
        `${page.engine}: timed out waiting for ${what} (status "${status}"${error ? `, error "${error}"` : ''}; parts: ${parts}; events: ${events})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const status = (...wanted: string[]) =>
  `${JSON.stringify(wanted)}.includes(document.querySelector('try-on-button')?.getAttribute('status'))`;

describe('the shopper run in every engine (demo store, phone and desktop size, fake camera)', () => {
  for (const engine of selectedEngines())
    for (const viewport of VIEWPORTS) {
      it(`${engine} at ${viewport.width}x${viewport.height}: open, consent, camera, remember, submit, progress, result, zoom, delete`, async () => {
        const page = await openEnginePage(engine);
        const since = logs.length;
        const dir = `${ROOT}test-results/engines/${engine}/`;
        await mkdir(dir, { recursive: true });
        let shots = 0;
        // Fonts and images settle first, so the picture is what a shopper sees.
        const shot = async (view: string) => {
          await page.evaluate(`document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))`);
          await page.screenshot(`${dir}${viewport.name}-${String(++shots).padStart(2, '0')}-${view}.png`);
        };
        try {
          await page.setViewport(viewport.width, viewport.height);
          await page.goto(demo.url);
          await until(page, `customElements.get('try-on-button') !== undefined`, 'the element');
          await page.evaluate(PAGE_HELPERS);
          // A returning shopper: the one-time photo guidance was seen before.
          await page.evaluate(`localStorage.setItem('try-on-button:guidance-seen', '1')`);

          await page.evaluate(`window.__click('button')`);
          await until(page, status('consent'), 'the consent step');
          await shot('consent');
          await page.evaluate(`window.__click('consent-checkbox')`);
          await until(page, status('capture'), 'the capture step');
          await shot('capture');

          // The engine's fake camera: Chromium's fake device, Firefox's fake stream, WebKit's mock capture device.
          await page.evaluate(`window.__click('take-photo')`);
          await until(
            page,
            `window.__part('capture') && !window.__part('capture').disabled && window.__root().querySelector('video')?.videoWidth > 0`,
            'the live camera',
          );
          await shot('camera');
          await page.evaluate(`window.__click('capture')`);
          await until(page, `window.__part('preview') && window.__part('submit')`, 'the captured photo');
          await until(page, `window.__part('preview').complete && window.__part('preview').naturalWidth > 0`, 'the preview image');
          await shot('preview');
          const photoEvent = await page.evaluate<{ type: string; size: number }>(
            `window.__events.find((e) => e.type === 'try-on-photo')?.detail`,
          );
          assert.equal(photoEvent.type, 'image/jpeg');
          await until(page, `window.__part('remember-checkbox')`, 'the remember box');
          await page.evaluate(`window.__click('remember-checkbox')`);

          await page.evaluate(`window.__click('submit')`);
          const midway = await until<string>(
            page,
            `${status('processing', 'complete', 'error')} && document.querySelector('try-on-button').getAttribute('status')`,
            'the job to start',
          );
          if (midway === 'processing') {
            assert.ok(await page.evaluate(`!!window.__part('progress')`), 'the progress shows while processing');
            await shot('progress');
          }
          await until(page, status('complete', 'error'), 'the result', 60_000);
          assert.equal(await page.evaluate(`document.querySelector('try-on-button').getAttribute('status')`), 'complete');
          const src = await until<string>(
            page,
            `(() => { const img = window.__part('result-image'); return img && img.complete && img.naturalWidth > 0 ? img.src : ''; })()`,
            'the result image',
          );
          // The result opens with the before/after slider over it.
          await until(
            page,
            `(() => { const img = window.__part('before-image'); return window.__part('compare-slider') && img && img.complete && img.naturalWidth > 0; })()`,
            'the before/after slider',
          );
          await shot('result');
          await page.evaluate(`window.__click('zoom-button')`);
          await until(page, `window.__part('zoom-close')`, 'the zoom');
          await shot('zoom');
          await page.evaluate(`window.__click('zoom-close')`);
          await until(page, `!window.__part('zoom-close')`, 'the zoom to close');
          const events = await page.evaluate<{ type: string; detail: { stage?: string } }[]>(`window.__events`);
          assert.ok(
            events.some((e) => e.type === 'try-on-progress'),
            `${engine}: progress events`,
          );
          assert.deepEqual(
            events.filter((e) => e.type === 'try-on-error'),
            [],
            `${engine}: no errors`,
          );

          // What was uploaded, as the demo provider received it: a JPEG within the budget, no EXIF.
          const svg = await (await fetch(src)).text();
          const [photo] = embeddedImages(svg);
          assert.ok(photo, 'the composite embeds the uploaded photo');
          assert.equal(photo.type, 'image/jpeg');
          const size = imageSize(photo.bytes);
          assert.ok(Math.max(size.width!, size.height!) <= 1536, `${engine}: ${size.width}x${size.height}`);
          assert.ok(photo.bytes.length <= 350_000, `${engine}: ${photo.bytes.length} bytes`);
          assert.equal(photo.bytes.includes(Buffer.from('Exif\0\0')), false, 'no EXIF in the upload');

          // Delete: the shopper comes back to the panel and removes the photo saved on the device.
          await page.evaluate(`window.__click('close')`);
          await until(page, status('idle'), 'the panel to close');
          await page.evaluate(`window.__click('button')`);
          await until(page, status('consent', 'capture'), 'the panel again');
          if (await page.evaluate(status('consent'))) await page.evaluate(`window.__click('consent-checkbox')`);
          await until(page, `window.__part('forget')`, 'the delete control');
          await shot('remembered');
          await page.evaluate(`window.__click('forget')`);
          // The saved photo is gone (the box to remember one is back); this visit's photo stays on screen.
          await until(page, `!window.__part('forget') && window.__part('remember-checkbox')`, 'the saved photo to go');
          const left = await page.evaluate<number>(`new Promise((resolve, reject) => {
          const request = indexedDB.open('try-on-button');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const db = request.result;
            if (!db.objectStoreNames.contains('kv')) { db.close(); resolve(0); return; }
            const count = db.transaction('kv').objectStore('kv').count();
            count.onsuccess = () => { db.close(); resolve(count.result); };
          };
        })`);
          assert.equal(left, 0, `${engine}: the device store is empty`);
          const deadline = Date.now() + 10_000;
          while (!logs.slice(since).some((entry) => entry.event === 'photo_deleted') && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 100));
          assert.ok(
            logs.slice(since).some((entry) => entry.event === 'photo_deleted'),
            `${engine}: the endpoint dropped its copy`,
          );
          assert.deepEqual(
            logs.slice(since).filter((entry) => entry.level === 'error'),
            [],
            'the endpoint logged no errors',
          );
        } finally {
          await page.close();
        }
      });
    }
});
