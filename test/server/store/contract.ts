/**
 * The store contract (src/server/store/store.ts) as one suite, run against every implementation:
 * MemoryStore and RedisStore (redis-store.test.ts), RedisStore on a three-master Redis Cluster
 * (redis-cluster.test.ts) and the Durable Object store in workerd (cloudflare-store.test.ts). The
 * endpoint must not be able to tell them apart. Waits are generous and asserts never depend on
 * how fast a loaded machine is: values expected gone are waited for well past their TTL, values
 * expected present live many times longer than the test takes.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/server/store/store.ts';
import { tryLease, withLease } from '../../../src/server/store/lease.ts';
import { loadPhoto, savePhoto } from '../../../src/server/jobs/photos.ts';
import { FileHost, readFile } from '../../../src/server/jobs/files.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it is true or `ms` pass; returns its last answer. */
async function eventually(check: () => Promise<boolean> | boolean, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(25);
  }
}

/** Bytes with every value 0-255, in a pattern a truncation or re-encoding would break. */
export function everyByte(length: number): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * 7919 + (i >> 8)) % 256);
}

export function storeContract(name: string, make: () => Store | Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    it('set/get/delete, and values expire after their ttl', async () => {
      const store = await make();
      await store.set('a', 'one', 60_000);
      await store.set('short', 'gone soon', 100);
      expect(await store.get('a')).toBe('one');
      expect(await store.get('missing')).toBeUndefined();
      expect(await eventually(async () => (await store.get('short')) === undefined)).toBe(true);
      expect(await store.get('a')).toBe('one');
      await store.delete('a');
      expect(await store.get('a')).toBeUndefined();
    });

    it('setIfAbsent: one winner among concurrent claims, until the key expires', async () => {
      const store = await make();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.setIfAbsent('lock', String(i), 300)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get('lock')).toBe(String(results.indexOf(true)));
      expect(await store.setIfAbsent('lock', 'late', 300)).toBe(false);
      expect(await eventually(() => store.setIfAbsent('lock', 'after expiry', 60_000))).toBe(true);
      expect(await store.get('lock')).toBe('after expiry');
    });

    it('setIfEquals replaces only the value the caller expects, once under concurrency, never a missing key', async () => {
      const store = await make();
      await store.set('record', 'pending:owner-1', 60_000);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.setIfEquals('record', 'pending:owner-1', `done:${i}`, 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = await store.get('record');
      expect(winner).toBe(`done:${results.indexOf(true)}`);
      // A stale owner (its record already replaced) changes nothing.
      expect(await store.setIfEquals('record', 'pending:owner-1', 'late', 60_000)).toBe(false);
      expect(await store.get('record')).toBe(winner);
      // Nor does it bring back an absent key.
      expect(await store.setIfEquals('absent', 'pending:owner-1', 'late', 60_000)).toBe(false);
      expect(await store.get('absent')).toBeUndefined();
      // The new value gets the new ttl.
      expect(await store.setIfEquals('record', winner!, 'brief', 100)).toBe(true);
      expect(await eventually(async () => (await store.get('record')) === undefined)).toBe(true);
    });

    it('deleteIfEquals deletes only for the value the caller holds: only an owner releases its claim', async () => {
      const store = await make();
      await store.set('claim', 'owner-b', 60_000);
      expect(await store.deleteIfEquals('claim', 'owner-a')).toBe(false);
      expect(await store.get('claim')).toBe('owner-b');
      expect(await store.deleteIfEquals('claim', 'owner-b')).toBe(true);
      expect(await store.get('claim')).toBeUndefined();
      expect(await store.deleteIfEquals('claim', 'owner-b')).toBe(false);
    });

    it('incr is atomic under concurrency, its window fixed at creation, and counts back down', async () => {
      const store = await make();
      const values = await Promise.all(Array.from({ length: 100 }, () => store.incr('counter', 60_000)));
      expect(new Set(values).size).toBe(100);
      expect(Math.max(...values)).toBe(100);
      // A give-back (a negative step) and a larger step in the same window.
      expect(await store.incr('counter', 60_000, -1)).toBe(99);
      expect(await store.incr('counter', 60_000, 3)).toBe(102);
      // A later increment does not extend the window: a short counter resets on time however often it is hit.
      expect(await store.incr('window', 1000)).toBe(1);
      const created = Date.now();
      let last = 1;
      while (Date.now() - created < 300) last = await store.incr('window', 60_000);
      expect(last).toBeGreaterThan(1);
      expect(await eventually(async () => (await store.incr('window', 60_000)) === 1)).toBe(true);
    });

    it('bytes round-trip at their own size, every byte value, 10 MB included, and expire', async () => {
      const store = await make();
      const small = everyByte(70_001);
      await store.setBytes('bytes:small', small, 60_000);
      expect(await store.getBytes('bytes:small')).toEqual(small);
      const large = everyByte(10 * 1024 * 1024);
      await store.setBytes('bytes:large', large, 60_000);
      const back = await store.getBytes('bytes:large');
      expect(back?.length).toBe(large.length);
      expect(Buffer.from(back!).equals(Buffer.from(large))).toBe(true);
      await store.setBytes('bytes:empty', new Uint8Array(0), 60_000);
      expect((await store.getBytes('bytes:empty'))?.length).toBe(0);
      expect(await store.getBytes('bytes:missing')).toBeUndefined();
      await store.setBytes('bytes:brief', small, 100);
      expect(await eventually(async () => (await store.getBytes('bytes:brief')) === undefined)).toBe(true);
      await store.delete('bytes:small');
      expect(await store.getBytes('bytes:small')).toBeUndefined();
      await store.delete('bytes:large');
    });

    it('photos and files are stored as bytes: a photo and its file alias round-trip exactly', async () => {
      const store = await make();
      const bytes = everyByte(50_000);
      await savePhoto(store, 'ref-1', { type: 'image/png', width: 10, height: 20, bytes }, 'shop:a.myshopify.com');
      const back = await loadPhoto(store, 'ref-1');
      expect(back).toMatchObject({ type: 'image/png', width: 10, height: 20, scope: 'shop:a.myshopify.com' });
      expect(back?.bytes).toEqual(bytes);
      const files = new FileHost(store, 'https://shop.example/api/try-on');
      const alias = await files.publishAlias('photo:ref-1', 'image/png', 60_000);
      const result = await files.publish(everyByte(3000), 'image/webp', 60_000);
      expect(await readFile(store, alias.slice(alias.lastIndexOf('/') + 1))).toEqual({ type: 'image/png', bytes });
      expect(await readFile(store, result.slice(result.lastIndexOf('/') + 1))).toEqual({ type: 'image/webp', bytes: everyByte(3000) });
      await store.delete('photo:ref-1');
      expect(await readFile(store, alias.slice(alias.lastIndexOf('/') + 1))).toBeUndefined();
    });

    it('a lease: one holder among concurrent claimants, renewed past its ttl while held, free again on release', async () => {
      const store = await make();
      const leases = await Promise.all(Array.from({ length: 20 }, () => tryLease(store, 'lease:a', 900)));
      const held = leases.filter((l) => l !== undefined);
      expect(held).toHaveLength(1);
      const [lease] = held;
      // Work that outlives the ttl three times over keeps the claim: nobody else gets in.
      const until = Date.now() + 2800;
      while (Date.now() < until) {
        expect(await tryLease(store, 'lease:a', 900)).toBeUndefined();
        await sleep(200);
      }
      expect(lease!.held).toBe(true);
      await lease!.release();
      const next = await tryLease(store, 'lease:a', 900);
      expect(next).toBeDefined();
      await next!.release();
    });

    it("a lease's owner never releases a claim that is no longer its own, and learns it lost the claim", async () => {
      const store = await make();
      const first = (await tryLease(store, 'lease:b', 600))!;
      // The first claim goes (lapsed while its owner stalled, say) and a second owner takes the key.
      await store.delete('lease:b');
      const second = (await tryLease(store, 'lease:b', 60_000))!;
      expect(second).toBeDefined();
      expect(await eventually(() => !first.held)).toBe(true);
      await first.release();
      expect(await tryLease(store, 'lease:b', 600)).toBeUndefined();
      await second.release();
      // A dead owner (a claim nobody renews) holds the key for one ttl only.
      expect(await store.setIfAbsent('lease:c', 'dead-owner', 300)).toBe(true);
      expect(await tryLease(store, 'lease:c', 600)).toBeUndefined();
      let taken: Awaited<ReturnType<typeof tryLease>>;
      expect(await eventually(async () => (taken = await tryLease(store, 'lease:c', 600)) !== undefined)).toBe(true);
      await taken!.release();
    });

    it('withLease runs the callers one at a time, and a caller waits no longer than its bound', async () => {
      const store = await make();
      let inside = 0;
      let most = 0;
      const wait = { ttlMs: 5000, waitMs: 10_000, pollMs: 20, now: Date.now };
      await Promise.all(
        Array.from({ length: 5 }, () =>
          withLease(store, 'lease:d', wait, async () => {
            most = Math.max(most, ++inside);
            await sleep(30);
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
      // A holder that never lets go delays the next caller by waitMs, then it goes ahead.
      expect(await store.setIfAbsent('lease:e', 'stuck', 60_000)).toBe(true);
      const started = Date.now();
      expect(await withLease(store, 'lease:e', { ...wait, waitMs: 200 }, async () => 'ran')).toBe('ran');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(await store.get('lease:e')).toBe('stuck');
    });
  });
}
