/**
 * Cloudflare Workers as a first-class runtime (issue 16): the Worker of examples/cloudflare,
 * built by wrangler with no Node built-in in the bundle, run in workerd (Miniflare) as two
 * isolates sharing the TryOnStore Durable Object and the R2 bucket. The store contract passes on
 * the Durable Object store; a try-on completes with the demo provider and with the Pixazo fake
 * (which fetches the shopper photo from /files, published by the other isolate); a photoRef from
 * one isolate is accepted by the other; ten concurrent duplicate submits across both make one
 * job; and the daily cap counts every job once, whichever isolate takes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DurableObjectStore,
  SWEEP_EVERY_MS,
  type DurableObjectNamespaceLike,
  type R2BucketLike,
} from '../../../src/server/store/durable-object-store.ts';
import type { Store } from '../../../src/server/store/store.ts';
import { startFakePixazo } from '../../fakes/pixazo.ts';
import { resultPng, type FakeProvider } from '../../fakes/common.ts';
import { freePort, startGarmentHost } from '../contract/providers.ts';
import { photoPng } from '../images.ts';
import { storeContract } from '../store/contract.ts';
import { buildWorker, startWorkers, type WorkerBuild, type Workers } from './workers.ts';

const SECRET = 'worker-test-secret-0123456789abcdef01';
const PIXAZO_KEY = 'pixazo-worker-test-key-0123';
const BASE = '/api/try-on';

let build: WorkerBuild;
let garments: Awaited<ReturnType<typeof startGarmentHost>>;
const running: Workers[] = [];

beforeAll(async () => {
  [build, garments] = await Promise.all([buildWorker(), startGarmentHost()]);
}, 150_000);
afterAll(async () => {
  for (const workers of running) await workers.close();
  await garments?.close();
  build?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Workers' environment: the test garment host on loopback, limits that stay out of the way. */
const vars = (extra: Record<string, string> = {}) => ({
  TRYON_SECRET: SECRET,
  TRYON_GARMENT_HOSTS: garments.host,
  TRYON_DEV_ALLOW_LOOPBACK: '1',
  TRYON_RATE_LIMITS: 'submit-shopper=200/1m,poll-shopper=1000/1m',
  ...extra,
});

async function workers(extra: Record<string, string>, port = 0): Promise<Workers> {
  const started = await startWorkers(build, vars(extra), port);
  running.push(started);
  return started;
}

/** A shopper's photo: other bytes after IEND make another shopper (another per-shopper budget). */
function photoOf(n: number): Uint8Array {
  const bytes = new Uint8Array(photoPng.length + 4);
  bytes.set(photoPng);
  new DataView(bytes.buffer).setUint32(photoPng.length, n);
  return bytes;
}

function submit(base: string, fields: { photo?: Uint8Array; photoRef?: string }, headers: Record<string, string> = {}) {
  const form = new FormData();
  if (fields.photo) form.set('photo', new Blob([new Uint8Array(fields.photo)]), 'photo.png');
  if (fields.photoRef) form.set('photoRef', fields.photoRef);
  form.set('garment', garments.url('shirt'));
  form.set('category', 'top');
  form.set('consent', 'v1');
  return fetch(`${base}${BASE}/jobs`, { method: 'POST', body: form, headers });
}

async function submitted(response: Response): Promise<{ job: string; photoRef: string }> {
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json()) as { job: string; photoRef: string };
}

/** Polls `job`, alternating isolates, until it ends (at most 30 s). */
async function finish(w: Workers, job: string): Promise<{ status: string; images?: string[] }> {
  for (let i = 0; i < 150; i++) {
    const response = await fetch(`${i % 2 ? w.b : w.a}${BASE}/jobs/${job}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; images?: string[] };
    if (body.status === 'completed' || body.status === 'failed') return body;
    await sleep(200);
  }
  throw new Error('the job did not finish in 30 s');
}

const errorLines = (w: Workers) => w.logs.filter((line) => line.includes('"level":"error"'));

describe('the Worker bundle', () => {
  it("builds with wrangler's own bundler from examples/cloudflare, without a Node built-in or a Node-only package", () => {
    expect(build.output).toContain('TRYON_STORE: TryOnStore');
    expect(build.output).toContain('TRYON_FILES: try-on-files');
    const packages = [...new Set(build.sources.map((s) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s)?.[1]).filter(Boolean))].sort();
    expect(packages).not.toContain('ioredis');
    expect(packages).not.toContain('undici');
    expect(packages.filter((p) => /^(unenv|@cloudflare\/unenv-preset|node-stdlib-browser)/.test(p!))).toEqual([]);
    // No import of a built-in survives in the code: every Node-only import is computed and never runs here.
    expect(build.code).not.toMatch(/\bfrom\s*["'](node:)?(util|events|stream|net|tls|dns|crypto|buffer|assert|fs|http|https)["']/);
    expect(build.code).not.toMatch(/\brequire\(\s*["'](node:)?[a-z_]+["']\s*\)/);
    expect(build.code).toMatch(/export\s*\{[^}]*TryOnStore/);
  });
});

describe('the store contract on the Durable Object store (in workerd)', () => {
  let namespace: DurableObjectNamespaceLike;
  let bucket: R2BucketLike;
  beforeAll(async () => {
    const w = await workers({ TRYON_PROVIDER: 'demo' });
    namespace = (await w.mf.getDurableObjectNamespace('TRYON_STORE', 'a')) as unknown as DurableObjectNamespaceLike;
    bucket = (await w.mf.getR2Bucket('TRYON_FILES', 'a')) as unknown as R2BucketLike;
  }, 60_000);

  /** Each test its own keys in the one namespace, as with the per-test Redis prefix. */
  function prefixed(store: Store, prefix: string): Store {
    const k = (key: string) => prefix + key;
    return {
      shared: store.shared,
      get: (key) => store.get(k(key)),
      set: (key, value, ttl) => store.set(k(key), value, ttl),
      setIfAbsent: (key, value, ttl) => store.setIfAbsent(k(key), value, ttl),
      setIfEquals: (key, expected, value, ttl) => store.setIfEquals(k(key), expected, value, ttl),
      deleteIfEquals: (key, expected) => store.deleteIfEquals(k(key), expected),
      delete: (key) => store.delete(k(key)),
      getBytes: (key) => store.getBytes(k(key)),
      setBytes: (key, bytes, ttl) => store.setBytes(k(key), bytes, ttl),
      incr: (key, ttl, by) => store.incr(k(key), ttl, by),
    };
  }
  storeContract('DurableObjectStore (TryOnStore + R2)', () =>
    prefixed(new DurableObjectStore(namespace, bucket), `t${Math.random().toString(36).slice(2)}:`),
  );

  it(
    "an expired photo leaves R2 itself: the object's alarm deletes it within the sweep interval",
    { timeout: SWEEP_EVERY_MS + 30_000 },
    async () => {
      const store = new DurableObjectStore(namespace, bucket);
      await store.setBytes('photo:sweep-test', new Uint8Array([1, 2, 3]), 200);
      await store.setBytes('photo:kept', new Uint8Array([4, 5, 6]), 10 * 60_000);
      expect(await bucket.get('photo:sweep-test')).not.toBeNull();
      const until = Date.now() + SWEEP_EVERY_MS + 20_000;
      while ((await bucket.get('photo:sweep-test')) !== null && Date.now() < until) await sleep(500);
      // Gone from the bucket, not merely hidden by its expiry; a live one stays.
      expect(await bucket.get('photo:sweep-test')).toBeNull();
      expect(await bucket.get('photo:kept')).not.toBeNull();
    },
  );
});

describe('try-ons on the Worker, two isolates, one shared state', () => {
  it('demo provider: submitted in one isolate, polled in both, the result file and the photoRef served by the other', async () => {
    const w = await workers({ TRYON_PROVIDER: 'demo', TRYON_ALLOWED_ORIGINS: 'https://shop.example' });
    const { job, photoRef } = await submitted(await submit(w.b, { photo: photoOf(1) }));
    const done = await finish(w, job);
    expect(done.status).toBe('completed');
    const result = new URL(done.images![0]!);
    expect(result.pathname).toMatch(new RegExp(`^${BASE}/files/[\\w-]{32}$`));
    const served = await fetch(`${w.a}${result.pathname}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^image\//);
    expect((await served.arrayBuffer()).byteLength).toBeGreaterThan(100);
    // The photo handle made in B is accepted by A: the photo is in R2, not in B's memory.
    const again = await submitted(await submit(w.a, { photoRef }));
    expect(again.photoRef).toBe(photoRef);
    expect((await finish(w, again.job)).status).toBe('completed');
    // The allowed origin is enforced in the Worker like anywhere else.
    const foreign = await fetch(`${w.a}${BASE}/jobs`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(errorLines(w)).toEqual([]);
  });

  describe('Pixazo fake: the provider fetches the photo from /files of whichever isolate it reaches', () => {
    let fake: FakeProvider;
    let w: Workers;
    beforeAll(async () => {
      fake = await startFakePixazo({ apiKey: PIXAZO_KEY });
      const port = await freePort();
      w = await workers(
        {
          TRYON_PROVIDER: 'pixazo',
          TRYON_API_KEY: PIXAZO_KEY,
          TRYON_PROVIDER_URL: fake.url,
          // Providers are told the first isolate's address; the submits go to the second.
          TRYON_PUBLIC_URL: `http://127.0.0.1:${port}${BASE}`,
        },
        port,
      );
    }, 60_000);
    afterAll(async () => {
      await fake?.close();
    });

    it('a try-on completes with the fake’s result, and a second product reuses the photo without an upload', async () => {
      const before = fake.calls.filter((c) => c.route === 'submit').length;
      const { job, photoRef } = await submitted(await submit(w.b, { photo: photoOf(2) }));
      // The fake accepts a job only after downloading the photo from A's /files (see test/fakes/pixazo.ts).
      expect(fake.calls.filter((c) => c.route === 'submit').length - before).toBe(1);
      const human = String([...fake.jobs.values()].at(-1)!.input.human_img);
      expect(human).toMatch(new RegExp(`^${w.a}${BASE}/files/[\\w-]{32}$`));
      const done = await finish(w, job);
      expect(done.status).toBe('completed');
      const image = await fetch(done.images![0]!);
      expect(Buffer.from(await image.arrayBuffer()).equals(resultPng)).toBe(true);
      const second = await submitted(await submit(w.a, { photoRef }));
      expect((await finish(w, second.job)).status).toBe('completed');
      expect(fake.calls.filter((c) => c.route === 'submit').length - before).toBe(2);
      expect(errorLines(w)).toEqual([]);
    });

    it('ten concurrent duplicate submits across both isolates make one job, charged once', async () => {
      const before = fake.calls.filter((c) => c.route === 'submit').length;
      const photo = photoOf(3);
      const headers = { 'idempotency-key': 'worker-duplicates-1' };
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => submit(i % 2 ? w.b : w.a, { photo }, headers)));
      const bodies = await Promise.all(answers.map(submitted));
      expect(new Set(bodies.map((b) => b.job)).size).toBe(1);
      expect(fake.calls.filter((c) => c.route === 'submit').length - before).toBe(1);
      expect((await finish(w, bodies[0]!.job)).status).toBe('completed');
    });
  });

  it('the daily cap counts every job once across isolates: retries are free, the fourth job is refused', async () => {
    const w = await workers({ TRYON_PROVIDER: 'demo', TRYON_DAILY_LIMIT: '3' });
    const first = await submitted(await submit(w.a, { photo: photoOf(10) }, { 'idempotency-key': 'cap-1' }));
    await submitted(await submit(w.b, { photo: photoOf(11) }, { 'idempotency-key': 'cap-2' }));
    // A retry of the first, in the other isolate: the same job, not a new charge.
    const retry = await submitted(await submit(w.b, { photo: photoOf(10) }, { 'idempotency-key': 'cap-1' }));
    expect(retry.job).toBe(first.job);
    await submitted(await submit(w.a, { photo: photoOf(12) }, { 'idempotency-key': 'cap-3' }));
    const refused = await submit(w.b, { photo: photoOf(13) }, { 'idempotency-key': 'cap-4' });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('daily_limit_reached');
    expect((await submit(w.a, { photo: photoOf(14) })).status).toBe(429);
  });

  it('without its Durable Object binding the Worker refuses to serve, and logs the sentence naming it', async () => {
    const { Miniflare } = await import('miniflare');
    const mf = new Miniflare({
      host: '127.0.0.1',
      port: 0,
      modulesRoot: build.dir,
      modules: [{ type: 'ESModule', path: `${build.dir}/worker.js`, contents: build.code }],
      compatibilityDate: '2025-01-01',
      bindings: vars({ TRYON_PROVIDER: 'demo' }),
      handleRuntimeStdio: (stdout, stderr) => {
        for (const stream of [stdout, stderr]) stream.on('data', (c: Buffer) => lines.push(String(c)));
      },
    });
    const lines: string[] = [];
    try {
      const url = (await mf.ready).href;
      const response = await fetch(`${url}api/try-on/health`);
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
      await sleep(100);
      expect(lines.join('')).toMatch(/Configuration error: The Durable Object binding TRYON_STORE \(class TryOnStore\) is missing/);
    } finally {
      await mf.dispose();
    }
  });
});
