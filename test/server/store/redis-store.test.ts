import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { MemoryStore } from '../../../src/server/store/store.ts';
import { RedisStore } from '../../../src/server/store/redis-store.ts';
import { StoreUnavailableError } from '../../../src/server/store/store-unavailable.ts';
import { savePhoto } from '../../../src/server/jobs/photos.ts';
import { startRedis, type TestRedis } from '../redis-server.ts';
import { storeContract } from './contract.ts';

let redis: TestRedis;
let raw: Redis;
const stores: RedisStore[] = [];
const newRedisStore = (errors?: string[]) => {
  const store = new RedisStore(redis.url, errors ? { onError: (m) => errors.push(m) } : {});
  stores.push(store);
  return store;
};

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  raw.on('error', () => undefined);
  await raw.connect();
});
afterAll(async () => {
  for (const store of stores) await store.close();
  raw?.disconnect();
  await redis?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// One contract, both implementations: the handler must not be able to tell them apart.
storeContract('MemoryStore', () => new MemoryStore());
// Each test its own key prefix on the one Redis, so no test sees another's keys.
storeContract('RedisStore', () => {
  const store = new RedisStore(redis.url, { prefix: `tryon:${Math.random().toString(36).slice(2)}:` });
  stores.push(store);
  return store;
});

describe('RedisStore specifics', () => {
  it('namespaces every key under tryon: and gives photos a Redis expiry', async () => {
    const store = newRedisStore();
    await store.set('status:x:1', '{}', 60_000);
    await savePhoto(store, 'ref-ns', { type: 'image/jpeg', width: 1, height: 1, bytes: new Uint8Array([1, 2, 3]) });
    await store.incr('count:ns', 60_000);
    expect(await raw.exists('status:x:1')).toBe(0);
    expect(await raw.get('tryon:status:x:1')).toBe('{}');
    const photoTtl = await raw.pttl('tryon:photo:ref-ns');
    expect(photoTtl).toBeGreaterThan(59 * 60 * 1000);
    expect(photoTtl).toBeLessThanOrEqual(60 * 60 * 1000);
    expect(await raw.pttl('tryon:count:ns')).toBeGreaterThan(0);
  });

  it('while Redis is down every operation fails fast with 503 service_unavailable, then recovers by itself', async () => {
    const errors: string[] = [];
    const store = newRedisStore(errors);
    await store.set('k', 'v', 60_000);
    await redis.stop();
    try {
      const started = Date.now();
      // The first op may still be in flight on the dying socket; every one must fail, none hang.
      for (let i = 0; i < 3; i++) {
        const error = await store.get('k').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as StoreUnavailableError).status).toBe(503);
        expect((error as StoreUnavailableError).code).toBe('service_unavailable');
        expect((error as StoreUnavailableError).retryAfterSec).toBeGreaterThan(0);
      }
      await expect(store.incr('c', 1000)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(3000);
      // Down long enough for reconnect attempts to fail (and be reported).
      await sleep(700);
    } finally {
      await redis.start();
    }
    // No restart of the endpoint, no call to reconnect: the client finds Redis again.
    const until = Date.now() + 8000;
    let value: string | undefined | Error = new Error('never recovered');
    while (Date.now() < until) {
      value = await store.set('k2', 'back', 60_000).then(
        () => store.get('k2'),
        (e: unknown) => e as Error,
      );
      if (value === 'back') break;
      await sleep(100);
    }
    expect(value).toBe('back');
    expect(errors.length).toBeGreaterThan(0);
    // The log line names the problem, never the address or a password.
    expect(errors.join('\n')).not.toContain(String(redis.port));
    await raw.connect().catch(() => undefined);
  });

  it('a Redis unreachable from the start gives 503s within the connect timeout, not a hang', async () => {
    const store = new RedisStore('redis://127.0.0.1:1', { redisOptions: { connectTimeout: 300 } });
    stores.push(store);
    const started = Date.now();
    await expect(store.get('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.setIfAbsent('x', 'y', 1000)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
