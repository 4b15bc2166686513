/**
 * The one place endpoint state lives (status cache, idempotency, photo handles, provider-side
 * ids reused across products). In memory by default; a Redis-backed store can implement the
 * same interface so several endpoint instances share state.
 */
export interface Store {
  get(key: string): Promise<string | undefined>;
  /** Sets `key`, expiring after `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets `key` only if absent; returns whether it was set (for locks and first-writer-wins). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Replaces `key` with `value` (expiring after `ttlMs`) only while it still holds `expected`, in
   * one atomic step; returns whether it did. A lock holder finishing after its lock expired and
   * someone else took it must not overwrite the newcomer's record.
   */
  setIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * Adds `by` (default 1; negative gives back) to a counter that expires `ttlMs` after it was
   * created, in one atomic step; returns the new value.
   */
  incr(key: string, ttlMs: number, by?: number): Promise<number>;
  /**
   * Optional: a request limiter on this store's own backend (rate-limiter-flexible has one for
   * Redis and for memory). A store without one is limited through `incr` (see limiter.ts), so
   * every store works; callers never ask which class a store is.
   */
  limiter?(options: LimiterOptions): Promise<Limiter>;
}


import { flexibleLimiter, type Limiter, type LimiterOptions } from './limiter.ts';

export type { Limiter, LimiterOptions, WindowCount } from './limiter.ts';

interface Entry {
  value: string;
  expiresAt: number;
}

export class MemoryStore implements Store {
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
  #maybeSweep(): void {
    if (++this.#sweeps % 1000 !== 0) return;
    const now = this.#now();
    for (const [key, entry] of this.#map) if (entry.expiresAt <= now) this.#map.delete(key);
  }

  async get(key: string): Promise<string | undefined> {
    return this.#live(key)?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#maybeSweep();
    this.#map.set(key, { value, expiresAt: this.#now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.#live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  // No await between the read and the write: atomic within this process.
  async setIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.#live(key)?.value !== expected) return false;
    this.#maybeSweep();
    this.#map.set(key, { value, expiresAt: this.#now() + ttlMs });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#map.delete(key);
  }

  async incr(key: string, ttlMs: number, by = 1): Promise<number> {
    const entry = this.#live(key);
    const next = (entry ? Number(entry.value) : 0) + by;
    this.#maybeSweep();
    this.#map.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? this.#now() + ttlMs });
    return next;
  }

  limiter(options: LimiterOptions): Promise<Limiter> {
    const id = `${options.keyPrefix}:${options.points}:${options.durationSec}`;
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      limiter = import('rate-limiter-flexible/lib/RateLimiterMemory.js').then(
        ({ default: RateLimiterMemory }) =>
          flexibleLimiter(new RateLimiterMemory({ keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSec })),
      );
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }
}
