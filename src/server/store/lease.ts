/**
 * Owned claims on the store (the contract's setIfAbsent / setIfEquals / deleteIfEquals), for
 * every lock the endpoint takes: the status cache's "one provider call at a time", Vtry's
 * once-per-photo preparation, and the Idempotency-Key claim (idempotency.ts keeps its own record
 * as the claim's value).
 *
 * A claim names its owner (a random token). While the owner works, the claim is renewed every
 * third of its TTL, so work that outlives the TTL never lets a second caller in (a second paid
 * job); an owner that died stops renewing and its claim lapses after one TTL. Only the owner can
 * release it, so an owner that lost its claim can never delete the next owner's.
 */
import type { Store } from './store.ts';
import { sleep } from '../../shared/time.ts';

/**
 * Renews `key` (holding `value`) every third of `ttlMs` until stopped; calls `onLost` once if a
 * renewal finds the key no longer holding `value`. A store error skips one renewal: the claim
 * then lapses by its TTL unless a later one succeeds.
 */
export function keepAlive(store: Store, key: string, value: string, ttlMs: number, onLost?: () => void): () => void {
  let stopped = false;
  const timer = setInterval(
    () => {
      void store.setIfEquals(key, value, value, ttlMs).then(
        (still) => {
          if (still || stopped) return;
          stopped = true;
          clearInterval(timer);
          onLost?.();
        },
        () => undefined,
      );
    },
    Math.max(10, Math.floor(ttlMs / 3)),
  );
  // On Node, a renewal timer must not keep the process alive by itself.
  (timer as { unref?: () => void }).unref?.();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** A claim this caller holds. */
export interface Lease {
  readonly key: string;
  /** False once a renewal found the claim gone (lapsed and taken, or deleted). */
  readonly held: boolean;
  /** Stops renewing and deletes the claim if it is still ours; never throws. */
  release(): Promise<void>;
}

/** Claims `key` for `ttlMs` (renewed while held), or answers undefined when someone holds it. */
export async function tryLease(store: Store, key: string, ttlMs: number): Promise<Lease | undefined> {
  const token = crypto.randomUUID();
  if (!(await store.setIfAbsent(key, token, ttlMs))) return undefined;
  let held = true;
  const stop = keepAlive(store, key, token, ttlMs, () => (held = false));
  return {
    key,
    get held() {
      return held;
    },
    async release() {
      stop();
      held = false;
      await store.deleteIfEquals(key, token).catch(() => undefined);
    },
  };
}

export interface WaitOptions {
  /** The claim's TTL (renewed while held). */
  ttlMs: number;
  /** How long to wait for a holder before going ahead without the claim. */
  waitMs: number;
  /** How often to look again while waiting. */
  pollMs: number;
  now: () => number;
  signal?: AbortSignal | undefined;
}

/**
 * Runs `fn` holding `key`'s claim, waiting up to `waitMs` for another holder to finish; after that
 * it runs without the claim (a holder that died only delays others). The claim is released when
 * `fn` settles.
 */
export async function withLease<T>(store: Store, key: string, options: WaitOptions, fn: () => Promise<T>): Promise<T> {
  const deadline = options.now() + options.waitMs;
  let lease = await tryLease(store, key, options.ttlMs);
  while (!lease && options.now() < deadline) {
    await sleep(options.pollMs, options.signal);
    lease = await tryLease(store, key, options.ttlMs);
  }
  try {
    return await fn();
  } finally {
    await lease?.release();
  }
}
