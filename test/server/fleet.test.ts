/**
 * Proof at fleet scale (issue 16): two endpoint processes (the package's own command,
 * `try-on-endpoint`) on one redis-server, behind a small round-robin proxy that also serves the
 * shop's page, the widget build and the garments, as a load balancer in front of a shop would.
 *
 * - A shopper in Chromium completes a try-on through the proxy against each provider's fake. The
 *   proxy alternates instances request by request, and sends what a provider calls back (VirtuFit's
 *   signed webhook) or fetches (Pixazo's `/files` photo) to the instance that did NOT take the
 *   submit, so every cross-instance path is taken on purpose, not by luck.
 * - A load scene: 50 shoppers arriving within three seconds (ten of them retrying their submit at
 *   once, as a flaky network makes them), against the Pixazo fake, which downloads every photo
 *   from `/files` of whichever instance the proxy picks: zero lost jobs, zero double charges, every
 *   `/files` fetch served.
 * Bounded: every wait has a deadline, every process is stopped in afterAll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { build } from 'vite';
import type { Browser } from 'playwright-core';
import { productPage, startProxy, type Proxy, type ProxiedRequest } from '../e2e/topology-servers.ts';
import { choosePhoto, openPanel, openWidget, startBrowser, waitForResultImage, waitForStatus, watchProblems } from '../e2e/helpers.ts';
import { PROVIDER_CASES, type ProviderCase } from './contract/providers.ts';
import { resultPng, type FakeProvider } from '../fakes/common.ts';
import { startFakePixazo } from '../fakes/pixazo.ts';
import { photoPng } from './images.ts';
import { startRedis, type TestRedis } from './redis-server.ts';
import { startEndpointProcess, type EndpointProcess } from './endpoint-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = `${ROOT}test-results/fleet/`;
const API = '/api/try-on';
const SECRET = 'fleet-test-secret-0123456789abcdef0123';
const GARMENT = '/garments/linen-shirt.png';

let redis: TestRedis;
let browser: Browser;
let photoPath: string;
let cdn: string;
let builtCdn: string | undefined;
let shop: { url: string; close(): Promise<void> };

/** The widget build: dist/cdn when present (npm run build:widget), else built now into a temp dir. */
async function widgetBuild(): Promise<string> {
  const dist = join(ROOT, 'dist/cdn');
  if (existsSync(join(dist, 'try-on-button.js'))) return dist;
  builtCdn = mkdtempSync(join(tmpdir(), 'tryon-cdn-'));
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: builtCdn, emptyOutDir: true } });
  return builtCdn;
}

/** The shop's own server: the product page at `/`, the widget at `/cdn/`, the demo garments. */
async function startShop(): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono();
  app.get('/', (c) => c.html(productPage({ cdn: '/cdn', endpoint: API, garment: GARMENT, title: 'Fleet' })));
  app.use('/cdn/*', serveStatic({ root: cdn, rewriteRequestPath: (path) => path.slice('/cdn'.length) }));
  app.use('/garments/*', serveStatic({ root: join(ROOT, 'demo/site') }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  cdn = await widgetBuild();
  [redis, shop, { browser, photoPath }] = await Promise.all([startRedis(), startShop(), startBrowser(SHOTS)]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await redis?.destroy();
  if (builtCdn) rmSync(builtCdn, { recursive: true, force: true });
});

interface Fleet {
  proxy: Proxy;
  endpoints: EndpointProcess[];
  /** Which instance (0 or 1) each proxied endpoint request went to. */
  instanceOf(request: ProxiedRequest): number;
  close(): Promise<void>;
}

/**
 * The proxy, then two endpoint processes behind it, configured by environment only. With
 * `crossInstance`, provider callbacks and `/files` fetches go to the instance the last submit did
 * not reach; otherwise everything is plain round robin.
 */
async function startFleet(env: Record<string, string>, crossInstance: boolean): Promise<Fleet> {
  const upstreams: string[] = [];
  let turn = 0;
  let lastSubmit = 0;
  const proxy = await startProxy({
    route: (req) => {
      const path = req.url ?? '/';
      if (!path.startsWith(`${API}/`)) return new URL(path, shop.url);
      if (upstreams.length < 2) return undefined;
      let instance = turn++ % 2;
      if (crossInstance && /^\/api\/try-on\/(webhooks|files)\//.test(path)) {
        turn--;
        instance = 1 - lastSubmit;
      } else if (req.method === 'POST' && path === `${API}/jobs`) lastSubmit = instance;
      return new URL(path, upstreams[instance]);
    },
  });
  const prefix = `fleet-${Math.random().toString(36).slice(2)}:`;
  const endpoints = await Promise.all(
    [0, 1].map(() =>
      startEndpointProcess({
        REDIS_URL: redis.url,
        TRYON_REDIS_PREFIX: prefix,
        TRYON_SECRET: SECRET,
        TRYON_BASE_PATH: API,
        TRYON_PUBLIC_URL: `${proxy.origin}${API}`,
        TRYON_GARMENT_HOSTS: new URL(proxy.origin).host,
        // The fakes, the garments and the proxy all run on this machine.
        TRYON_DEV_ALLOW_LOOPBACK: '1',
        ...env,
      }),
    ),
  );
  upstreams.push(...endpoints.map((e) => e.url));
  return {
    proxy,
    endpoints,
    instanceOf: (request) => upstreams.findIndex((u) => request.target?.startsWith(u)),
    close: async () => {
      await Promise.all(endpoints.map((e) => e.close()));
      await proxy.close();
    },
  };
}

const errorsOf = (fleet: Fleet) => fleet.endpoints.flatMap((e) => e.logs.filter((l) => l.level === 'error'));
const isSubmit = (r: ProxiedRequest) => r.method === 'POST' && r.url === `${API}/jobs`;
const isPoll = (r: ProxiedRequest) => r.method === 'GET' && r.url.startsWith(`${API}/jobs/`);

describe('a shopper in Chromium, through a round-robin proxy, two endpoint processes on one Redis', () => {
  for (const pc of PROVIDER_CASES) {
    it(
      `${pc.name}: submitted at one instance, polled at both${pc.name === 'virtufit' ? ', completed by the signed callback at the other' : ''}${pc.name === 'pixazo' ? ', the photo fetched from the other' : ''}`,
      { timeout: 120_000 },
      async () => {
        await shopperRun(pc);
      },
    );
  }
});

async function shopperRun(pc: ProviderCase): Promise<void> {
  const apiKey = `fleet-${pc.name}-key-0123456789`;
  const fake = await pc.start({ apiKey });
  pc.prepare?.(fake);
  if (pc.name === 'virtufit') (fake as FakeProvider & { webhookBackoffMs: number[] }).webhookBackoffMs = [200, 500, 1000];
  const fleet = await startFleet({ TRYON_PROVIDER: pc.name, TRYON_API_KEY: apiKey, TRYON_PROVIDER_URL: fake.url }, true);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  try {
    const widget = await openWidget(page, `${fleet.proxy.origin}/`);
    await openPanel(page, widget);
    await widget.locator('[part="consent-checkbox"]').check();
    await (await choosePhoto(widget, photoPath)).click();
    const final = await waitForStatus(page, ['complete', 'error'], 90_000);
    if (final === 'error') {
      await page.screenshot({ path: `${SHOTS}${pc.name}-error.png` });
      throw new Error(
        `${pc.name}: the try-on failed: ${await widget.locator('[part="error"]').innerText()}\n${fleet.endpoints.map((e) => e.output()).join('\n')}`,
      );
    }
    await waitForResultImage(page);
    const src = await widget.locator('[part="result-image"]').getAttribute('src');
    const shown = Buffer.from(await (await fetch(new URL(src!, fleet.proxy.origin))).arrayBuffer());
    expect(shown.equals(resultPng), 'the result is the fake provider PNG').toBe(true);
    expect(fake.count(pc.generationRoute), 'one paid generation').toBe(1);

    const requests = fleet.proxy.requests;
    const submit = requests.filter(isSubmit);
    expect(submit.map((r) => r.status)).toEqual([202]);
    const polls = requests.filter(isPoll);
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.every((r) => r.status === 200)).toBe(true);
    // The first poll reached the instance that did not take the submit: its job token and its
    // cached status come from Redis, not from the instance's memory.
    expect(fleet.instanceOf(polls[0]!)).toBe(1 - fleet.instanceOf(submit[0]!));
    if (pc.name === 'virtufit') {
      const hooks = requests.filter((r) => r.url.startsWith(`${API}/webhooks/virtufit`));
      expect(hooks.length).toBeGreaterThanOrEqual(1);
      expect(hooks[0]!.status).toBe(200);
      expect(fleet.instanceOf(hooks[0]!)).toBe(1 - fleet.instanceOf(submit[0]!));
    }
    if (pc.name === 'pixazo') {
      const files = requests.filter((r) => r.url.startsWith(`${API}/files/`));
      expect(files.length).toBeGreaterThanOrEqual(1);
      expect(files.every((r) => r.status === 200 && fleet.instanceOf(r) === 1 - fleet.instanceOf(submit[0]!))).toBe(true);
    }
    expect(problems).toEqual([]);
    expect(errorsOf(fleet)).toEqual([]);
  } finally {
    await context.close();
    await fleet.close();
    await fake.close();
  }
}

describe('load: 50 shoppers within three seconds, two instances, one Redis', () => {
  it('zero lost jobs, zero double charges, every /files fetch served by whichever instance got it', { timeout: 150_000 }, async () => {
    const apiKey = 'fleet-load-pixazo-key-0123456789';
    const fake = await startFakePixazo({ apiKey });
    const fleet = await startFleet(
      {
        TRYON_PROVIDER: 'pixazo',
        TRYON_API_KEY: apiKey,
        TRYON_PROVIDER_URL: fake.url,
        // One test machine is every shopper's address: the per-IP budgets are not under test here.
        TRYON_RATE_LIMITS: 'submit-ip=10000/1m,poll-ip=100000/1m',
      },
      false,
    );
    try {
      const SHOPPERS = 50;
      const RETRIED = 10;
      const garment = `${fleet.proxy.origin}${GARMENT}`;
      const submitOnce = (n: number) => {
        const photo = new Uint8Array(photoPng.length + 4);
        photo.set(photoPng);
        new DataView(photo.buffer).setUint32(photoPng.length, n);
        const form = new FormData();
        form.set('photo', new Blob([photo]), 'photo.png');
        form.set('garment', garment);
        form.set('category', 'top');
        form.set('consent', 'v1');
        return fetch(`${fleet.proxy.origin}${API}/jobs`, { method: 'POST', body: form, headers: { 'idempotency-key': `load-${n}` } });
      };
      const shopper = async (n: number): Promise<{ jobs: string[]; status: string }> => {
        await new Promise((r) => setTimeout(r, (n * 3000) / SHOPPERS));
        // The first RETRIED shoppers send their submit twice at once (a retry racing the original).
        const answers = await Promise.all(Array.from({ length: n < RETRIED ? 2 : 1 }, () => submitOnce(n)));
        const bodies = await Promise.all(
          answers.map(async (r) => ({ status: r.status, body: (await r.json()) as { job: string; pollAfterMs: number } })),
        );
        for (const b of bodies) expect(b.status, JSON.stringify(b.body)).toBe(202);
        const { job, pollAfterMs } = bodies[0]!.body;
        const until = Date.now() + 90_000;
        for (;;) {
          await new Promise((r) => setTimeout(r, pollAfterMs));
          const poll = await fetch(`${fleet.proxy.origin}${API}/jobs/${job}`);
          const state = (await poll.json()) as { status: string };
          if (poll.status !== 200) return { jobs: bodies.map((b) => b.body.job), status: `poll ${poll.status}` };
          if (state.status === 'completed' || state.status === 'failed' || Date.now() > until)
            return { jobs: bodies.map((b) => b.body.job), status: state.status };
        }
      };
      const outcomes = await Promise.all(Array.from({ length: SHOPPERS }, (_, n) => shopper(n)));
      // Zero lost jobs: every shopper's try-on completed.
      expect(outcomes.map((o) => o.status)).toEqual(new Array(SHOPPERS).fill('completed'));
      // A retry got the original's job, never a new one.
      for (const o of outcomes) expect(new Set(o.jobs).size).toBe(1);
      expect(new Set(outcomes.map((o) => o.jobs[0])).size).toBe(SHOPPERS);
      // Zero double charges: one generation per shopper at the provider, retries included.
      expect(fake.count('submit')).toBe(SHOPPERS);
      // Every photo fetch (the fake downloads each from TRYON_PUBLIC_URL/files) was served, by both instances.
      const files = fleet.proxy.requests.filter((r) => r.url.startsWith(`${API}/files/`));
      expect(files.length).toBeGreaterThanOrEqual(SHOPPERS);
      expect(files.filter((r) => r.status !== 200)).toEqual([]);
      expect(new Set(files.map((r) => fleet.instanceOf(r)))).toEqual(new Set([0, 1]));
      expect(new Set(fleet.proxy.requests.filter(isSubmit).map((r) => fleet.instanceOf(r)))).toEqual(new Set([0, 1]));
      expect(errorsOf(fleet)).toEqual([]);
    } finally {
      await fleet.close();
      await fake.close();
    }
  });
});
