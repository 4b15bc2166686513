/**
 * What a request limiter is to a store (`Store.limiter`), and rate-limiter-flexible's limiters
 * (memory, Redis) in that shape. Stores without one are limited by a counter on `Store.incr`
 * (limits/counter-limiter.ts).
 */
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

/** How far a key is into its limiter window. */
export interface WindowCount {
  /** Points consumed in the window, this one included (over `points` means refused). */
  consumedPoints: number;
  /** Time until the window lets this key in again. */
  msBeforeNext: number;
}

/** `points` per `durationSec` per key; consuming past the limit answers (never throws) a count over it. */
export interface Limiter {
  consume(key: string): Promise<WindowCount>;
  /** Gives one point back (a refused or uncharged request). */
  reward(key: string): Promise<void>;
}

export interface LimiterOptions {
  /** Names the policy; keys of different policies never meet. */
  keyPrefix: string;
  points: number;
  durationSec: number;
}

const isLimiterRes = (value: unknown): value is RateLimiterRes =>
  typeof value === 'object' && value !== null && 'msBeforeNext' in value && 'consumedPoints' in value;

/** Wraps a rate-limiter-flexible limiter: an over-limit rejection becomes a count, a backend failure stays an error. */
export function flexibleLimiter(limiter: RateLimiterAbstract): Limiter {
  return {
    async consume(key) {
      try {
        const res = await limiter.consume(key, 1);
        return { consumedPoints: res.consumedPoints, msBeforeNext: res.msBeforeNext };
      } catch (rejection) {
        if (isLimiterRes(rejection)) return { consumedPoints: rejection.consumedPoints, msBeforeNext: rejection.msBeforeNext };
        throw rejection;
      }
    },
    async reward(key) {
      await limiter.reward(key, 1);
    },
  };
}
