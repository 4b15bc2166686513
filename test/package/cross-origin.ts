/**
 * The script-tag build served by a "CDN" on one origin and used by a product page on another,
 * as on Shopify (cdn.shopify.com vs the shop's domain): the whole try-on must work, the photo
 * worker included, although browsers refuse to start a worker from another origin.
 */
import { expect } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { imageSize } from 'image-size';
import type { Browser, Page } from 'playwright-core';
import { createTryOnHandler } from '../../src/server/handler.ts';
import { makeShopperPhoto } from '../e2e/shopper-photo.ts';
import { ROOT, serveDir } from './helpers.ts';

const GARMENT = join(ROOT, 'demo/site/garments/linen-shirt.png');

async function startShop(
  cdnUrl: string,
  logs: Record<string, unknown>[],
): Promise<{ url: string; requested: string[]; close(): Promise<void> }> {
  const requested: string[] = [];
  const garment = await readFile(GARMENT);
  const tryOn = createTryOnHandler({
    provider: 'demo',
    basePath: '/api/try-on',
    secret: 'cross-origin-secret-0123456789abcdef012345',
    // The shop serves its garment itself, on this machine over plain http: the endpoint's
    // development setting for that, and this host as the allowed garment host.
    devAllowLoopback: true,
    garmentHosts: ['127.0.0.1', 'localhost'],
    log: (entry) => logs.push(entry as Record<string, unknown>),
  });
  const app = new Hono();
  app.use('*', async (c, next) => {
    requested.push(new URL(c.req.url).pathname);
    await next();
  });
  app.all('/api/try-on/*', (c) => tryOn(c.req.raw));
  app.get('/shirt.png', (c) => c.body(new Uint8Array(garment), 200, { 'content-type': 'image/png' }));
  app.get('/', (c) =>
    c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Linen shirt</title>
<script type="module" src="${cdnUrl}/try-on-button.js"></script></head>
<body><h1>Linen shirt</h1>
<try-on-button endpoint="/api/try-on" garment="/shirt.png" category="top"></try-on-button></body></html>`),
  );
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    // Another port than the CDN's is another origin, as far as the browser is concerned.
    url: `http://127.0.0.1:${port}`,
    requested,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitForStatus(page: Page, wanted: string[]): Promise<string> {
  const handle = await page.waitForFunction(
    (states) => {
      const status = document.querySelector('try-on-button')?.getAttribute('status') ?? '';
      return states.includes(status) ? status : false;
    },
    wanted,
    { timeout: 30_000 },
  );
  return (await handle.jsonValue()) as string;
}

/** The demo provider's composite embeds the uploaded photo; decode it back. */
function embeddedImages(svg: string): { type: string; bytes: Buffer }[] {
  return [...svg.matchAll(/<image href="data:([^;]+);base64,([^"]+)"/g)].map((m) => ({ type: m[1]!, bytes: Buffer.from(m[2]!, 'base64') }));
}

/** Runs the whole flow; fails the calling test with what went wrong. */
export async function crossOriginTryOn(browser: Browser, cdnDir: string): Promise<void> {
  const logs: Record<string, unknown>[] = [];
  const cdn = await serveDir(cdnDir, { cors: true });
  const shop = await startShop(cdn.url, logs);
  const scratch = await mkdtemp(join(tmpdir(), 'try-on-cdn-'));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  try {
    const photoPath = join(scratch, 'shopper.jpg');
    await writeFile(photoPath, await makeShopperPhoto(browser));
    expect(new URL(shop.url).origin).not.toBe(new URL(cdn.url).origin);

    await page.goto(shop.url);
    await page.waitForFunction(() => customElements.get('try-on-button') !== undefined);
    const workerName = (await readdir(join(cdnDir, 'chunks'))).find((f) => /^worker-[\w-]+\.js$/.test(f));
    expect(workerName, 'the build has a worker chunk').toBeDefined();

    // The problem being solved is real: this browser refuses the CDN's worker script directly.
    const direct = await page.evaluate(async (url) => {
      try {
        const worker = new Worker(url, { type: 'module' });
        return await new Promise<string>((resolve) => {
          worker.addEventListener('error', () => resolve('error event'));
          setTimeout(() => resolve('started'), 2000);
        });
      } catch (error) {
        return (error as DOMException).name;
      }
    }, `${cdn.url}/chunks/${workerName}`);
    expect(direct).toBe('SecurityError');
    problems.length = 0;

    const widget = page.locator('try-on-button');
    await widget.locator('[part="button"]').click();
    await waitForStatus(page, ['consent']);
    await widget.locator('[part="consent-checkbox"]').check();
    await widget.locator('[part="file-input"]').setInputFiles(photoPath);
    await widget.locator('[part="preview"]').waitFor({ state: 'visible' });
    await widget.locator('[part="submit"]').click();
    const final = await waitForStatus(page, ['complete', 'error']);
    const errorText = final === 'error' ? await widget.locator('[part="error"]').innerText() : '';
    expect(final, `the try-on failed: ${errorText}; ${problems.join('; ')}`).toBe('complete');

    // Everything the widget loaded came from the CDN origin, the worker included.
    expect(cdn.requested).toContain('/try-on-button.js');
    expect(cdn.requested.some((p) => /^\/chunks\/panel-[\w-]+\.js$/.test(p))).toBe(true);
    expect(cdn.requested).toContain(`/chunks/${workerName}`);
    expect(shop.requested.filter((p) => p.endsWith('.js'))).toEqual([]);

    // The worker did its job: the upload is the photo re-encoded as a JPEG without EXIF.
    const src = await widget.locator('[part="result-image"]').getAttribute('src');
    expect(src).toBeTruthy();
    const composite = await fetch(new URL(src!, shop.url));
    expect(composite.status).toBe(200);
    const [photo] = embeddedImages(await composite.text());
    expect(photo?.type).toBe('image/jpeg');
    expect(imageSize(photo!.bytes)).toEqual({ height: 1200, width: 900, type: 'jpg' });
    expect(photo!.bytes.includes(Buffer.from('Exif\0\0'))).toBe(false);

    expect(problems).toEqual([]);
    expect(logs.filter((entry) => entry.level === 'error')).toEqual([]);
  } finally {
    await context.close();
    await shop.close();
    await cdn.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
