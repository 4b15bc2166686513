/**
 * Two endpoint instances (two handlers, each with its own Redis connection) behind one Redis, as
 * behind a load balancer: limits, caps, idempotency and the status cache are shared, and Redis
 * going away answers 503 and heals by itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CountingAdapter, errorOf, GARMENT_URL, get, setup, submitRequest } from './helpers.ts';
import { RedisStore } from '../../src/server/store/redis-store.ts';
import type { Store } from '../../src/server/store/store.ts';
import { resolveSettings } from '../../src/server/settings.ts';
import type { HandlerOptions } from '../../src/server/options.ts';
import { startRedis, type TestRedis } from './redis-server.ts';
import { tryOnVercel } from '../../src/server/runtimes/vercel.ts';
import { startGarmentHost } from './contract/providers.ts';

let redis: TestRedis;
let stores: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const store of stores) await store.close();
  stores = [];
});
afterAll(async () => {
  await redis?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Redis across a network rather than on loopback: every store call takes `ms` longer. */
function distant(store: Store, ms: number): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await sleep(ms);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Two instances on the one Redis, sharing one counting adapter (i.e. one provider account). */
async function twoInstances(options: HandlerOptions = {}, adapter = new CountingAdapter(), latencyMs = 0) {
  // A fresh key prefix per test: the same Redis, but no test sees another's counters.
  const prefix = `tryon:${Math.random().toString(36).slice(2)}:`;
  const storeA = new RedisStore(redis.url, { prefix });
  const storeB = new RedisStore(redis.url, { prefix });
  stores.push(storeA, storeB);
  const a = setup({ ...options, store: latencyMs ? distant(storeA, latencyMs) : storeA }, adapter);
  const b = setup({ ...options, store: latencyMs ? distant(storeB, latencyMs) : storeB }, adapter);
  return { a, b, adapter };
}

const xff = (ip: string) => ({ 'x-forwarded-for': ip });

describe('two endpoint instances on one Redis', () => {
  it('REDIS_URL (option redisUrl) puts the state in Redis', async () => {
    const settings = resolveSettings({ redisUrl: redis.url, secret: 'scale-out-secret-0123456789abcdef012' });
    expect(settings.store).toBeInstanceOf(RedisStore);
    stores.push(settings.store as RedisStore);
    await settings.store.set('probe', 'yes', 10_000);
    const client = await (settings.store as RedisStore).connection();
    expect(await client.get('tryon:probe')).toBe('yes');
  });

  it('a daily cap spent on one instance is spent on the other', async () => {
    const { a, b, adapter } = await twoInstances({ dailyLimit: 3 });
    expect((await a.handler(submitRequest())).status).toBe(202);
    expect((await b.handler(submitRequest())).status).toBe(202);
    expect((await a.handler(submitRequest())).status).toBe(202);
    const refused = await b.handler(submitRequest());
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('daily_limit_reached');
    expect(adapter.submits).toHaveLength(3);
  });

  it('a per-IP budget spent on one instance is spent on the other', async () => {
    const { a, b, adapter } = await twoInstances({
      trustProxy: 'x-forwarded-for',
      rateLimits: { 'submit-ip': { points: 2, windowSec: 60 } },
    });
    expect((await a.handler(submitRequest({}, { headers: xff('203.0.113.7') }))).status).toBe(202);
    expect((await b.handler(submitRequest({}, { headers: xff('203.0.113.7') }))).status).toBe(202);
    const refused = await a.handler(submitRequest({}, { headers: xff('203.0.113.7') }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit')).toMatch(/"submit-ip";r=0;t=\d+/);
    expect(adapter.submits).toHaveLength(2);
  });

  it('the same Idempotency-Key sent to both instances at once starts one job, charged once', async () => {
    const adapter = new CountingAdapter();
    let release!: () => void;
    adapter.submitGate = new Promise<void>((r) => (release = r));
    const { a, b } = await twoInstances({ dailyLimit: 5 }, adapter);
    const headers = { 'idempotency-key': 'same-try-on-7d1c' };
    const first = a.handler(submitRequest({}, { headers }));
    await sleep(100); // A holds the lock and is at the provider
    const second = b.handler(submitRequest({}, { headers }));
    await sleep(100);
    release();
    const [ra, rb] = await Promise.all([first, second]);
    expect([ra.status, rb.status]).toEqual([202, 202]);
    const [ja, jb] = (await Promise.all([ra.json(), rb.json()])) as Array<{ job: string }>;
    expect(ja!.job).toBe(jb!.job);
    // A retry minutes later on the other instance: the same job again.
    const later = (await (await b.handler(submitRequest({}, { headers }))).json()) as { job: string };
    expect(later.job).toBe(ja!.job);
    expect(adapter.submits).toHaveLength(1);
  });

  it('30 rounds of the same Idempotency-Key sent to both instances at the same moment: 30 jobs, never a double charge', async () => {
    // Many submits of one photo from one client: lift the per-shopper budget, it is not under test.
    // A millisecond per Redis call, as on a real network: the race needs room to show.
    const { a, b, adapter } = await twoInstances(
      { rateLimits: { 'submit-shopper': { points: 1000, windowSec: 60 } } },
      new CountingAdapter(),
      1,
    );
    const doubled: number[] = [];
    for (let round = 0; round < 30; round++) {
      const headers = { 'idempotency-key': `race-${round}` };
      // Alternate which instance goes first, and let the second lag 0-9 ms: the interleavings a load balancer makes.
      const [first, second] = round % 2 ? [a, b] : [b, a];
      const charged = adapter.submits.length;
      const answers = await Promise.all([
        first.handler(submitRequest({}, { headers })),
        sleep(round % 10).then(() => second.handler(submitRequest({}, { headers }))),
      ]);
      expect(
        answers.map((r) => r.status),
        `round ${round}`,
      ).toEqual([202, 202]);
      const [ja, jb] = (await Promise.all(answers.map((r) => r.json()))) as Array<{ job: string; photoRef: string }>;
      if (adapter.submits.length - charged !== 1 || ja!.job !== jb!.job) doubled.push(round);
      else expect(jb, `round ${round}: both callers get the one answer`).toEqual(ja);
    }
    expect(doubled, 'rounds charged twice').toEqual([]);
    expect(adapter.submits).toHaveLength(30);
  });

  it('the status cache is shared: one provider status call per interval across both instances', async () => {
    const adapter = new CountingAdapter();
    adapter.pollIntervalMs = 400;
    adapter.statusDelayMs = 30;
    // Real time here: the cross-instance lock lives in Redis, which keeps real time.
    const { a, b } = await twoInstances({ now: Date.now }, adapter);
    const { job } = (await (await a.handler(submitRequest())).json()) as { job: string };
    await sleep(450);
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).handler(get(`/jobs/${job}`))));
    expect(burst.map((r) => r.status)).toEqual(new Array(10).fill(200));
    expect(adapter.statusCalls).toBe(1);
    for (let i = 0; i < 6; i++) {
      await (i % 2 ? a : b).handler(get(`/jobs/${job}`));
      await sleep(30);
    }
    expect(adapter.statusCalls).toBe(1);
    await sleep(450);
    await b.handler(get(`/jobs/${job}`));
    await a.handler(get(`/jobs/${job}`));
    expect(adapter.statusCalls).toBe(2);
  });
});

describe('deployments and failures on one Redis', () => {
  it('two deployments with their own TRYON_REDIS_PREFIX share neither the daily cap nor an Idempotency-Key', async () => {
    const secret = 'prefix-test-secret-0123456789abcdef';
    const deployment = (prefix: string, adapter = new CountingAdapter()) => {
      const store = resolveSettings({ redisUrl: redis.url, redisPrefix: prefix, secret }).store as RedisStore;
      stores.push(store);
      return setup({ store, dailyLimit: 1 }, adapter);
    };
    const shopA = deployment(`shop-a-${Date.now()}`);
    const shopB = deployment(`shop-b-${Date.now()}`);
    const headers = { 'idempotency-key': 'same-key-both-shops' };
    expect((await shopA.handler(submitRequest({}, { headers }))).status).toBe(202);
    expect((await shopB.handler(submitRequest({}, { headers }))).status).toBe(202);
    expect(shopA.adapter.submits).toHaveLength(1);
    expect(shopB.adapter.submits).toHaveLength(1);
    expect((await errorOf(await shopA.handler(submitRequest()))).code).toBe('daily_limit_reached');
  });

  it("a Redis refusing writes (maxmemory reached, noeviction): 503s, and the log names Redis's reason, never a key or a photo", async () => {
    const full = await startRedis({ args: ['--maxmemory-policy', 'noeviction'] });
    try {
      const store = new RedisStore(full.url, { prefix: 'tryon:full:' });
      stores.push(store);
      // Two megabytes held, then a limit below that: every write is refused from now on.
      for (let i = 0; i < 8; i++) await store.setBytes(`ballast:${i}`, new Uint8Array(256 * 1024), 60_000);
      await (await store.connection()).config('SET', 'maxmemory', '1mb');
      const s = setup({ store });
      const response = await s.handler(submitRequest());
      expect(response.status).toBe(503);
      expect((await errorOf(response)).code).toBe('service_unavailable');
      const entry = s.logs.find((l) => (l as { event?: string }).event === 'store') as { level: string; detail: string } | undefined;
      expect(entry?.level).toBe('error');
      expect(entry?.detail).toMatch(/OOM command not allowed/);
      const logText = JSON.stringify(s.logs);
      expect(logText).not.toContain('tryon:full:');
      expect(logText).not.toMatch(/iVBORw0KGgo/);
      expect(s.adapter.calls).toBe(0);
    } finally {
      await full.destroy();
    }
  });
});

describe('Vercel Functions on the Node.js runtime with REDIS_URL (the documented path)', () => {
  it('two function instances from tryOnVercel share the job, the photo and the daily cap', async () => {
    const env = {
      TRYON_PROVIDER: 'demo',
      REDIS_URL: redis.url,
      TRYON_REDIS_PREFIX: `vercel-${Date.now()}`,
      TRYON_SECRET: 'vercel-test-secret-0123456789abcdef',
      TRYON_DAILY_LIMIT: '2',
      TRYON_GARMENT_HOSTS: new URL(GARMENT_URL).host,
      TRYON_DEV_ALLOW_LOOPBACK: '1',
    };
    const garments = await startGarmentHost();
    try {
      const functionEnv = { ...env, TRYON_GARMENT_HOSTS: garments.host };
      const one = tryOnVercel({ basePath: '/api/try-on', log: () => {} }, functionEnv);
      const two = tryOnVercel({ basePath: '/api/try-on', log: () => {} }, functionEnv);
      const garment = garments.url('shirt');
      const first = await one.fetch(submitRequest({ garment }));
      expect(first.status).toBe(202);
      const { job, photoRef } = (await first.json()) as { job: string; photoRef: string };
      expect((await two.fetch(get(`/jobs/${job}`))).status).toBe(200);
      expect((await two.fetch(submitRequest({ photoRef, garment }))).status).toBe(202);
      expect(await errorOf(await one.fetch(submitRequest({ garment })))).toMatchObject({ status: 429, code: 'daily_limit_reached' });
    } finally {
      await garments.close();
    }
  });
});

describe('Redis going away', () => {
  it('answers 503 service_unavailable with Retry-After while Redis is down, at zero provider calls, and recovers by itself', async () => {
    const { a, b, adapter } = await twoInstances();
    const { job } = (await (await a.handler(submitRequest())).json()) as { job: string };
    await redis.stop();
    try {
      for (const response of [await a.handler(submitRequest()), await b.handler(get(`/jobs/${job}`))]) {
        expect(response.status).toBe(503);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        const body = await errorOf(response);
        expect(body.code).toBe('service_unavailable');
        expect(body.message).toMatch(/try again/i);
      }
      expect(adapter.calls).toBe(1);
      // Health needs no state: the load balancer can still tell the process is alive.
      expect((await a.handler(get('/health'))).status).toBe(200);
      await sleep(500);
    } finally {
      await redis.start();
    }
    let status = 0;
    for (let i = 0; i < 60 && status !== 202; i++) {
      status = (await a.handler(submitRequest())).status;
      if (status !== 202) await sleep(100);
    }
    expect(status).toBe(202);
  });

  it('Redis restarted mid-job (state lost): the job still completes, from what the token carries', async () => {
    const { a, b, adapter } = await twoInstances();
    const { job } = (await (await a.handler(submitRequest())).json()) as { job: string };
    await redis.stop();
    expect((await b.handler(get(`/jobs/${job}`))).status).toBe(503);
    await sleep(300);
    await redis.start();
    adapter.state = { status: 'completed', images: ['https://results.example/1.png'] };
    let body: { status?: string; images?: string[] } = {};
    for (let i = 0; i < 60 && body.status !== 'completed'; i++) {
      const response = await b.handler(get(`/jobs/${job}`));
      if (response.status === 200) body = (await response.json()) as typeof body;
      else await sleep(100);
    }
    expect(body).toEqual({ status: 'completed', images: ['https://results.example/1.png'] });
    expect(adapter.submits).toHaveLength(1);
  });
});
