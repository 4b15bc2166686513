/**
 * The runtime entries: Express and Hono mounted for real on loopback servers (a demo try-on from
 * submit to completed result), and the Next.js, Cloudflare Workers and Vercel entries called
 * through their exported handlers with web Requests.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp as expressApp } from '../../../examples/express/server.ts';
import { createApp as honoApp } from '../../../examples/hono/server.ts';
import * as nextRoute from '../../../examples/next/app/api/try-on/[...path]/route.ts';
import worker from '../../../examples/cloudflare/worker.ts';
import vercel from '../../../examples/vercel/api/try-on/[...path].ts';
import { photoPng } from '../images.ts';
import { createNodeServer } from '../../../src/server/runtimes/node.ts';
import { startDemo } from '../../../demo/server.ts';
import { codeOf, rawExchange } from '../raw-client.ts';
import { tryOnVercel } from '../../../src/server/runtimes/vercel.ts';
import { tryOnNext } from '../../../src/server/runtimes/next.ts';
import { ConfigError } from '../../../src/server/settings.ts';
import { MemoryStore } from '../../../src/server/store/store.ts';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve()))))));
// The shop's garments are served on loopback beside the endpoint: the development setting.
const ENV = {
  TRYON_PROVIDER: 'demo',
  TRYON_SECRET: 'runtime-test-secret-0123456789abcdef',
  TRYON_GARMENT_HOSTS: '127.0.0.1',
  TRYON_DEV_ALLOW_LOOPBACK: '1',
};

async function listen(start: (port: number) => Server): Promise<string> {
  const server = start(0);
  servers.push(server);
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A demo try-on through a mounted endpoint: submit, then poll until the composite is ready. */
async function demoTryOn(base: string): Promise<void> {
  const health = await fetch(`${base}/api/try-on/health`);
  expect(await health.json()).toEqual({ ok: true, provider: 'demo' });
  const form = new FormData();
  form.set('photo', new Blob([photoPng], { type: 'image/png' }), 'me.png');
  form.set('garment', `${base}/garments/linen-shirt.png`);
  form.set('category', 'top');
  form.set('consent', 'v1');
  const submit = await fetch(`${base}/api/try-on/jobs`, { method: 'POST', body: form, headers: { origin: base } });
  const answer = (await submit.json()) as { job: string; status: string };
  expect(submit.status, JSON.stringify(answer)).toBe(202);
  let status = answer.status;
  let images: string[] = [];
  for (let i = 0; i < 40 && status !== 'completed'; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const poll = (await (await fetch(`${base}/api/try-on/jobs/${answer.job}`)).json()) as { status: string; images?: string[] };
    status = poll.status;
    images = poll.images ?? [];
  }
  expect(status).toBe('completed');
  const result = await fetch(images[0]!);
  expect(result.headers.get('content-type')).toBe('image/svg+xml');
}

describe('runtime entries', () => {
  it('Express: mounted with app.use, a demo try-on completes; other routes untouched', async () => {
    const base = await listen((port) => expressApp({ ...ENV, TRYON_PROVIDER_OPTIONS: '' }).listen(port, '127.0.0.1'));
    await demoTryOn(base);
    expect((await fetch(`${base}/`)).headers.get('content-type')).toMatch(/text\/html/);
    const refused = await fetch(`${base}/api/try-on/jobs`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
  }, 20_000);

  it('Hono: mounted with app.all, a demo try-on completes', async () => {
    const app = honoApp(ENV);
    const { serveStatic } = await import('@hono/node-server/serve-static');
    const shop = new (await import('hono')).Hono();
    shop.use('/garments/*', serveStatic({ root: 'demo/site' }));
    shop.route('/', app);
    const base = await listen((port) => createNodeServer(shop.fetch).listen(port, '127.0.0.1'));
    await demoTryOn(base);
  }, 20_000);

  it('Express, Hono on createNodeServer and the demo store: an over-cap upload gets a 413 the client reads after sending it all', async () => {
    const express = await listen((port) => expressApp(ENV).listen(port, '127.0.0.1'));
    const hono = await listen((port) => createNodeServer(honoApp(ENV).fetch).listen(port, '127.0.0.1'));
    const demo = await startDemo({ port: 0, env: ENV, log: () => {} });
    try {
      for (const base of [express, hono, demo.url]) {
        const total = 12 * 1024 * 1024;
        const outcome = await rawExchange(Number(new URL(base).port), {
          head: `POST /api/try-on/jobs HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: multipart/form-data; boundary=zzz\r\ncontent-length: ${total}\r\n\r\n`,
          body: { total, chunked: false },
          readAfterSend: true,
          giveUpMs: 15_000,
        });
        expect({ base, status: outcome.status, code: codeOf(outcome.body) }).toEqual({ base, status: 413, code: 'body_too_large' });
      }
    } finally {
      await demo.close();
    }
  }, 40_000);

  it('Next.js route handlers answer every method the endpoint has', async () => {
    const health = await nextRoute.GET(new Request('https://shop.example/api/try-on/health'));
    expect(await health.json()).toEqual({ ok: true, provider: 'demo' });
    const bad = await nextRoute.POST(
      new Request('https://shop.example/api/try-on/jobs', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
    );
    expect(bad.status).toBe(415);
    const del = await nextRoute.DELETE(new Request('https://shop.example/api/try-on/photos/nope', { method: 'DELETE' }));
    expect(del.status).toBe(400);
    const preflight = await nextRoute.OPTIONS(
      new Request('https://shop.example/api/try-on/jobs', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }),
    );
    expect(preflight.status).toBe(403);
  });

  it('Cloudflare Workers: without the Durable Object and R2 bindings the entry refuses to serve, naming what is missing (run for real in cloudflare-worker.test.ts)', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const env = { ...ENV, TRYON_ALLOWED_ORIGINS: 'https://shop.example', SOME_BINDING: { not: 'a string' } };
      const health = await worker.fetch(
        new Request('https://tryon.workers.dev/api/try-on/health', { headers: { origin: 'https://shop.example' } }),
        env,
      );
      expect(health.status).toBe(503);
      expect(((await health.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
      expect(String(errors.mock.calls.at(-1))).toMatch(/Configuration error: The Durable Object binding TRYON_STORE/);
      const redis = await worker.fetch(new Request('https://tryon.workers.dev/api/try-on/health'), {
        ...env,
        REDIS_URL: 'redis://10.0.0.5:6379',
      });
      expect(redis.status).toBe(503);
      expect(String(errors.mock.calls.at(-1))).toMatch(/REDIS_URL cannot be used on Cloudflare Workers/);
    } finally {
      errors.mockRestore();
    }
  });

  it('Vercel Edge (or Next.js edge): without a shared store the handler refuses to start with a sentence pointing at the Node.js runtime and REDIS_URL', () => {
    const global = globalThis as { EdgeRuntime?: string };
    global.EdgeRuntime = 'edge-runtime';
    try {
      expect(() => tryOnVercel({ basePath: '/api/try-on' }, ENV)).toThrow(ConfigError);
      expect(() => tryOnVercel({}, ENV)).toThrow(
        /On the Edge runtime .* Run it on the Node\.js runtime with REDIS_URL \(export const runtime = 'nodejs'\), or pass `store`/,
      );
      expect(() => tryOnVercel({}, { ...ENV, REDIS_URL: 'redis://10.0.0.5:6379' })).toThrow(/REDIS_URL cannot connect/);
      expect(() => tryOnNext({ provider: 'demo' })).toThrow(/On the Edge runtime/);
      // Given a store every isolate shares, it runs.
      const shared = Object.assign(Object.create(new MemoryStore()) as MemoryStore, { shared: true });
      expect(() => tryOnVercel({ store: shared }, ENV)).not.toThrow();
    } finally {
      delete global.EdgeRuntime;
    }
    expect(() => tryOnVercel({}, ENV)).not.toThrow();
  });

  it('Vercel: the exported fetch serves the endpoint', async () => {
    const response = await vercel.fetch(new Request('https://shop.vercel.app/api/try-on/health'));
    expect(await response.json()).toEqual({ ok: true, provider: 'demo' });
  });
});
