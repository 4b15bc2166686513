/**
 * once(), the Idempotency-Key guard, on the in-memory store with a manual clock: one paid run per
 * key however callers interleave, refusals for a reused key, failures shared then retryable, and a
 * dead owner's claim taken over without the old owner clobbering the new answer.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src/server/http/api-error.ts';
import { idempotencyRecordKey, once, PENDING_TTL_MS } from '../../../src/server/jobs/idempotency.ts';
import { MemoryStore } from '../../../src/server/store/store.ts';
import { Clock } from '../helpers.ts';

const scope = { scope: 'shop:a.myshopify.com', provider: 'counting', key: 'k-1' };
const toFailure = (error: unknown) =>
  error instanceof ApiError
    ? {
        status: error.status,
        code: error.code,
        message: error.message,
        ...(error.retryAfterSec !== undefined ? { retryAfterSec: error.retryAfterSec } : {}),
      }
    : { status: 500, code: 'internal_error' as const, message: 'boom' };

/** Work that counts its runs and finishes when `release` is called. */
function gatedWork(value = 'job-1') {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const runs = { count: 0 };
  const work = async () => {
    runs.count++;
    await gate;
    return { job: value };
  };
  return { work, runs, release };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('once()', () => {
  it('concurrent duplicates run the work once and all get its answer', async () => {
    const store = new MemoryStore();
    const { work, runs, release } = gatedWork();
    const calls = Array.from({ length: 8 }, () => once(store, scope, 'print-1', work, toFailure));
    await settle();
    release();
    expect(await Promise.all(calls)).toEqual(new Array(8).fill({ job: 'job-1' }));
    expect(runs.count).toBe(1);
    // A retry long after: the stored answer, no second run.
    expect(await once(store, scope, 'print-1', work, toFailure)).toEqual({ job: 'job-1' });
    expect(runs.count).toBe(1);
  });

  it('the same key with another fingerprint is refused at once, while pending and after the answer', async () => {
    const store = new MemoryStore();
    const { work, runs, release } = gatedWork();
    const owner = once(store, scope, 'print-1', work, toFailure);
    await settle();
    // Refused without waiting for the owner (which is still held).
    await expect(once(store, scope, 'print-2', work, toFailure)).rejects.toMatchObject({ status: 422, code: 'idempotency_key_invalid' });
    release();
    await owner;
    await expect(once(store, scope, 'print-2', work, toFailure)).rejects.toMatchObject({ status: 422, code: 'idempotency_key_invalid' });
    expect(runs.count).toBe(1);
  });

  it('keys are per tenant and per provider: the same client key elsewhere is another run', async () => {
    const store = new MemoryStore();
    let runs = 0;
    const work = async () => ({ run: ++runs });
    expect(await once(store, scope, 'p', work, toFailure)).toEqual({ run: 1 });
    expect(await once(store, { ...scope, scope: 'shop:b.myshopify.com' }, 'p', work, toFailure)).toEqual({ run: 2 });
    expect(await once(store, { ...scope, provider: 'other' }, 'p', work, toFailure)).toEqual({ run: 3 });
    expect(await once(store, scope, 'p', work, toFailure)).toEqual({ run: 1 });
    expect(idempotencyRecordKey(scope)).toBe('idem:shop:a.myshopify.com:counting:k-1');
  });

  it('a failure reaches the callers waiting on it, then a later retry runs again', async () => {
    const clock = new Clock();
    const store = new MemoryStore(clock.now);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    const failing = async (): Promise<{ job: string }> => {
      runs++;
      await gate;
      throw new ApiError(503, 'provider_busy', 'Busy.', { retryAfterSec: 3 });
    };
    const owner = once(store, scope, 'p', failing, toFailure);
    await settle();
    const waiter = once(store, scope, 'p', failing, toFailure);
    await settle();
    release();
    await expect(owner).rejects.toMatchObject({ status: 503, code: 'provider_busy', retryAfterSec: 3 });
    await expect(waiter).rejects.toMatchObject({ status: 503, code: 'provider_busy', retryAfterSec: 3 });
    expect(runs).toBe(1);
    clock.advance(11_000);
    expect(await once(store, scope, 'p', async () => ({ job: 'second try' }), toFailure)).toEqual({ job: 'second try' });
  });

  it("a dead owner's claim is taken over after its ttl, and the old owner never overwrites the new answer", async () => {
    const clock = new Clock();
    const store = new MemoryStore(clock.now);
    const stale = gatedWork('job-old');
    const oldOwner = once(store, scope, 'p', stale.work, toFailure);
    await settle();
    clock.advance(PENDING_TTL_MS + 1);
    let fresh = 0;
    const newAnswer = await once(store, scope, 'p', async () => ({ job: `job-new-${++fresh}` }), toFailure);
    expect(newAnswer).toEqual({ job: 'job-new-1' });
    // The old owner wakes up: it answers its own caller but leaves the key to the new owner.
    stale.release();
    expect(await oldOwner).toEqual({ job: 'job-old' });
    expect(JSON.parse((await store.get(idempotencyRecordKey(scope)))!)).toMatchObject({ state: 'done', value: { job: 'job-new-1' } });
    expect(await once(store, scope, 'p', async () => ({ job: 'never' }), toFailure)).toEqual({ job: 'job-new-1' });
    expect(fresh).toBe(1);
  });

  it('an owner whose claim expired untaken still leaves its answer for retries', async () => {
    const clock = new Clock();
    const store = new MemoryStore(clock.now);
    const slow = gatedWork('job-slow');
    const owner = once(store, scope, 'p', slow.work, toFailure);
    await settle();
    clock.advance(PENDING_TTL_MS + 1);
    slow.release();
    expect(await owner).toEqual({ job: 'job-slow' });
    expect(await once(store, scope, 'p', async () => ({ job: 'never' }), toFailure)).toEqual({ job: 'job-slow' });
  });

  it('an owner whose work outlives the claim ttl keeps its claim: a duplicate waits for its answer, never a second paid run', async () => {
    vi.useFakeTimers();
    const store = new MemoryStore();
    const slow = gatedWork('job-slow');
    const owner = once(store, scope, 'p', slow.work, toFailure);
    await vi.advanceTimersByTimeAsync(0);
    // Three claim lifetimes at the provider: the owner renews its claim meanwhile.
    await vi.advanceTimersByTimeAsync(3 * PENDING_TTL_MS);
    const duplicate = once(store, scope, 'p', slow.work, toFailure);
    await vi.advanceTimersByTimeAsync(2000);
    expect(slow.runs.count).toBe(1);
    slow.release();
    await vi.advanceTimersByTimeAsync(2000);
    expect(await owner).toEqual({ job: 'job-slow' });
    expect(await duplicate).toEqual({ job: 'job-slow' });
    expect(slow.runs.count).toBe(1);
  });

  it('a waiter backs off and gives up with 503 after a minute, without polling every 50 ms', async () => {
    vi.useFakeTimers();
    const store = new MemoryStore();
    let reads = 0;
    const get = store.get.bind(store);
    store.get = (key) => (reads++, get(key));
    const stuck = gatedWork();
    void once(store, scope, 'p', stuck.work, toFailure);
    await vi.advanceTimersByTimeAsync(0);
    const waiter = once(store, scope, 'p', stuck.work, toFailure);
    const outcome = waiter.then(
      () => 'answered',
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(61_000);
    expect(await outcome).toMatchObject({ status: 503, code: 'provider_busy', retryAfterSec: 2 });
    expect(stuck.runs.count).toBe(1);
    // 25 ms doubling to 1 s: about 65 looks in a minute (a 50 ms poll would be 1200).
    expect(reads).toBeLessThan(80);
    expect(reads).toBeGreaterThan(30);
  });
});
