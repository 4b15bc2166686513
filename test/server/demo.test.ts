import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { Clock, errorOf, get, submitRequest, BASE, ORIGIN } from './helpers.ts';
import { garmentPng, photoPng } from './images.ts';
import { createTryOnHandler } from '../../src/server/handler.ts';
import { createDemoAdapter } from '../../src/server/providers/demo.ts';
import { DEMO_LABEL, composeDemoSvg } from '../../src/server/providers/demo-composite.ts';

/** A real loopback garment host: the demo downloads the garment like a provider would. */
let garmentServer: ServerType;
let garmentHost = '';
const garmentHits: string[] = [];
beforeAll(async () => {
  await new Promise<void>((resolve) => {
    garmentServer = serve(
      {
        hostname: '127.0.0.1',
        port: 0,
        fetch: (request) => {
          const path = new URL(request.url).pathname;
          garmentHits.push(path);
          if (path === '/shirt.png') return new Response(garmentPng, { headers: { 'content-type': 'image/png' } });
          if (path === '/redirect.png') return new Response(null, { status: 302, headers: { location: 'https://evil.example/x.png' } });
          if (path === '/huge.png') return new Response(new Uint8Array(6 * 1024 * 1024), { headers: { 'content-type': 'image/png' } });
          if (path === '/page.html') return new Response('<html></html>', { headers: { 'content-type': 'text/html' } });
          return new Response('no', { status: 404 });
        },
      },
      () => resolve(),
    );
  });
  garmentHost = `127.0.0.1:${(garmentServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => garmentServer.close(() => resolve())));

function demoSetup() {
  const clock = new Clock();
  const handler = createTryOnHandler({
    basePath: '/api/try-on',
    secret: 'demo-test-secret-0123456789abcdef0123',
    garmentHosts: [garmentHost],
    devAllowLoopback: true,
    now: clock.now,
    log: () => {},
    adapters: { demo: createDemoAdapter({ now: clock.now }) },
  });
  return { handler, clock };
}

describe('demo provider through the endpoint', () => {
  it('goes queued → processing → completed and serves an SVG composite with both images and the label', async () => {
    const { handler, clock } = demoSetup();
    const submit = await handler(submitRequest({ garment: `http://${garmentHost}/shirt.png`, category: 'top' }));
    expect(submit.status).toBe(202);
    const { job, status, pollAfterMs } = (await submit.json()) as { job: string; status: string; pollAfterMs: number };
    expect(status).toBe('queued');
    expect(pollAfterMs).toBeGreaterThanOrEqual(2000);

    const seen: string[] = [];
    let images: string[] | undefined;
    for (let t = 0; t <= 5000; t += 500) {
      const body = (await (await handler(get(`/jobs/${job}`))).json()) as { status: string; images?: string[] };
      if (seen.at(-1) !== body.status) seen.push(body.status);
      images = body.images;
      clock.advance(500);
    }
    expect(seen).toEqual(['queued', 'processing', 'completed']);
    expect(images).toHaveLength(1);
    const url = new URL(images![0]!);
    expect(url.origin).toBe(ORIGIN);
    expect(url.pathname).toMatch(/^\/api\/try-on\/files\/[\w-]{32}$/);

    const file = await handler(new Request(url));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/svg+xml');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('cache-control')).toMatch(/^private/);
    expect(file.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(file.headers.get('content-security-policy')).not.toMatch(/script-src/);
    const svg = await file.text();
    expect(svg).toContain(`data:image/png;base64,${Buffer.from(photoPng).toString('base64')}`);
    expect(svg).toContain(`data:image/png;base64,${Buffer.from(garmentPng).toString('base64')}`);
    expect(svg).toContain(DEMO_LABEL);
    expect(svg).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('unknown or expired file ids → 404 not_found', async () => {
    const { handler } = demoSetup();
    expect(await errorOf(await handler(get('/files/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await errorOf(await handler(get('/files/../../etc/passwd')))).toMatchObject({ status: 404 });
  });

  it('places the garment by category: shoes low, accessory small and high, dress long', () => {
    const photo = { bytes: photoPng, type: 'image/png', width: 100, height: 200 };
    const garment = { bytes: garmentPng, type: 'image/png' };
    const box = (category: Parameters<typeof composeDemoSvg>[0]['category']) => {
      const svg = composeDemoSvg({ photo, garment, category });
      const m = /<image href="data:image\/png;base64,[^"]+" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*opacity/.exec(
        svg,
      )!;
      return { x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) };
    };
    const top = box('top');
    const shoes = box('shoes');
    const dress = box('dress');
    const accessory = box('accessory');
    expect(shoes.y).toBeGreaterThan(top.y + top.h);
    expect(shoes.y + shoes.h).toBeLessThanOrEqual(200);
    expect(dress.h).toBeGreaterThan(top.h);
    expect(accessory.w * accessory.h).toBeLessThan((top.w * top.h) / 3);
    expect(accessory.y).toBeLessThan(top.y);
    expect(box('bottom').y).toBeGreaterThan(top.y);
  });

  it('garment downloads: a redirect off the allowlist refused, size capped, non-images refused (422)', async () => {
    const { handler } = demoSetup();
    const redirected = await errorOf(await handler(submitRequest({ garment: `http://${garmentHost}/redirect.png` })));
    expect(redirected).toMatchObject({ status: 422, code: 'garment_host_not_allowed' });
    for (const path of ['/huge.png', '/page.html', '/missing.png']) {
      const e = await errorOf(await handler(submitRequest({ garment: `http://${garmentHost}${path}` })));
      expect(e, path).toMatchObject({ status: 422, code: 'garment_rejected' });
    }
  });

  it('DELETE /jobs/{job} removes the demo result and the cached status; DELETE /photos removes results made from the photo', async () => {
    const { handler, clock } = demoSetup();
    const made = async (photoRef?: string) => {
      const submit = await handler(
        submitRequest({ garment: `http://${garmentHost}/shirt.png`, ...(photoRef ? { photo: null, photoRef } : {}) }),
      );
      expect(submit.status).toBe(202);
      return (await submit.json()) as { job: string; photoRef: string };
    };
    const resultOf = async (job: string) => {
      clock.advance(5000);
      const body = (await (await handler(get(`/jobs/${job}`))).json()) as { status: string; images: string[] };
      expect(body.status).toBe('completed');
      return body.images[0]!;
    };
    const first = await made();
    const firstResult = await resultOf(first.job);
    expect((await handler(new Request(firstResult))).status).toBe(200);
    expect((await handler(new Request(`${BASE}/jobs/${first.job}`, { method: 'DELETE' }))).status).toBe(204);
    expect((await handler(new Request(firstResult))).status).toBe(404);
    expect(await errorOf(await handler(get(`/jobs/${first.job}`)))).toMatchObject({ status: 404, code: 'job_expired' });
    // Deleting twice is fine.
    expect((await handler(new Request(`${BASE}/jobs/${first.job}`, { method: 'DELETE' }))).status).toBe(204);

    const second = await made(first.photoRef);
    const secondResult = await resultOf(second.job);
    expect((await handler(new Request(secondResult))).status).toBe(200);
    expect((await handler(new Request(`${BASE}/photos/${first.photoRef}`, { method: 'DELETE' }))).status).toBe(204);
    expect((await handler(new Request(secondResult))).status).toBe(404);
  });

  it('the built-in demo (real clock) completes within about 4 seconds', async () => {
    const handler = createTryOnHandler({ basePath: '/api/try-on', garmentHosts: [garmentHost], devAllowLoopback: true, log: () => {} });
    const { job } = (await (await handler(submitRequest({ garment: `http://${garmentHost}/shirt.png` }))).json()) as { job: string };
    const started = Date.now();
    let status = '';
    while (status !== 'completed' && Date.now() - started < 8000) {
      await new Promise((r) => setTimeout(r, 250));
      status = ((await (await handler(new Request(`${BASE}/jobs/${job}`))).json()) as { status: string }).status;
    }
    const elapsed = Date.now() - started;
    expect(status).toBe('completed');
    expect(elapsed).toBeGreaterThan(2500);
    expect(elapsed).toBeLessThan(5000);
  });
});
