/**
 * The one place endpoint state lives: status cache, idempotency records, photos, published files,
 * provider-side ids reused across products, locks and counters. The contract is by capability, so
 * every caller works on every implementation and none asks which class it has:
 * - values (text) with a TTL, and raw bytes with a TTL (photos and files, never base64);
 * - an atomic claim (`setIfAbsent`) whose owner alone may replace (`setIfEquals`) or release it
 *   (`deleteIfEquals`): leases and locks are built on these in lease.ts;
 * - an atomic counter with a TTL fixed at creation (`incr`), for limits and daily caps.
 * Implementations: MemoryStore (one process), RedisStore (a Node fleet), the Durable Object store
 * (Cloudflare Workers). test/server/store/contract.ts is the one suite every one of them passes.
 */
export interface Store {
  /**
   * True when other endpoint instances see this store's state (Redis, a Durable Object). Then
   * every instance must share TRYON_SECRET, and the endpoint refuses to start without one.
   */
  readonly shared?: boolean;
  /** The text at `key` (written by set/setIfAbsent/setIfEquals), or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key`, expiring after `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets `key` only if absent, in one atomic step; returns whether it did (a claim: first writer wins). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Replaces `key` with `value` (expiring after `ttlMs`) only while it still holds `expected`, in
   * one atomic step; returns whether it did. A claim's owner renews or finishes its claim this way:
   * one that outlived its claim never overwrites whoever took the key since.
   */
  setIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` only while it holds `expected`, atomically: only a claim's owner releases it. */
  deleteIfEquals(key: string, expected: string): Promise<boolean>;
  /** Deletes `key` (text or bytes). */
  delete(key: string): Promise<void>;
  /** The bytes at `key` (written by setBytes), or undefined; treat them as read-only. */
  getBytes(key: string): Promise<Uint8Array | undefined>;
  /** Stores raw bytes at `key`, expiring after `ttlMs`: photos and files, at their own size. */
  setBytes(key: string, bytes: Uint8Array, ttlMs: number): Promise<void>;
  /**
   * Adds `by` (default 1; negative gives back) to a counter that expires `ttlMs` after it was
   * created, in one atomic step; returns the new value.
   */
  incr(key: string, ttlMs: number, by?: number): Promise<number>;
  /**
   * Optional: a request limiter on this store's own backend (rate-limiter-flexible has one for
   * Redis and for memory). A store without one is limited through `incr` (counter-limiter.ts).
   */
  limiter?(options: LimiterOptions): Promise<Limiter>;
}

import { flexibleLimiter, type Limiter, type LimiterOptions } from './limiter.ts';

export type { Limiter, LimiterOptions, WindowCount } from './limiter.ts';

interface Entry {
  value: string | Uint8Array;
  expiresAt: number;
}

/** State in this process only: the default for one Node process; nothing is shared. */
export class MemoryStore implements Store {
  readonly shared = false;
  #map = new Map<string, Entry>();
  // Limiters are per store, like its data: two handlers given one store share their counts.
  #limiters = new Map<string, Promise<Limiter>>();
  #now: () => number;
  #sweeps = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#map.delete(key);
      return undefined;
    }
    return entry;
  }

  // Expired entries that are never read again would otherwise stay forever.
  #put(key: string, value: string | Uint8Array, expiresAt: number): void {
    if (++this.#sweeps % 1000 === 0) {
      const now = this.#now();
      for (const [k, entry] of this.#map) if (entry.expiresAt <= now) this.#map.delete(k);
    }
    this.#map.set(key, { value, expiresAt });
  }

  #text(key: string): string | undefined {
    const value = this.#live(key)?.value;
    return typeof value === 'string' ? value : undefined;
  }

  // No await between a read and its write in any method below: each is atomic within this process.
  async get(key: string): Promise<string | undefined> {
    return this.#text(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#put(key, value, this.#now() + ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#put(key, value, this.#now() + ttlMs);
    return true;
  }

  async setIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.#text(key) !== expected) return false;
    this.#put(key, value, this.#now() + ttlMs);
    return true;
  }

  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    if (this.#text(key) !== expected) return false;
    this.#map.delete(key);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#map.delete(key);
  }

  async getBytes(key: string): Promise<Uint8Array | undefined> {
    const value = this.#live(key)?.value;
    return value instanceof Uint8Array ? value : undefined;
  }

  async setBytes(key: string, bytes: Uint8Array, ttlMs: number): Promise<void> {
    // A copy of exactly these bytes: a view into a larger buffer (the whole request body) would keep all of it alive.
    this.#put(key, bytes.slice(), this.#now() + ttlMs);
  }

  async incr(key: string, ttlMs: number, by = 1): Promise<number> {
    const entry = this.#live(key);
    const next = (entry ? Number(entry.value) : 0) + by;
    this.#put(key, String(next), entry?.expiresAt ?? this.#now() + ttlMs);
    return next;
  }

  limiter(options: LimiterOptions): Promise<Limiter> {
    const id = `${options.keyPrefix}:${options.points}:${options.durationSec}`;
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      limiter = import('rate-limiter-flexible/lib/RateLimiterMemory.js').then(({ default: RateLimiterMemory }) =>
        flexibleLimiter(new RateLimiterMemory({ keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSec })),
      );
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }
}
