/**
 * Request limiters over any store: the store's own (rate-limiter-flexible on memory or Redis,
 * `Store.limiter`) where it has one, else a fixed-window counter on the contract's atomic `incr`,
 * which every store has, so a store of a merchant's or a platform's own is limited too.
 */
import type { Limiter, LimiterOptions, Store, WindowCount } from '../store/store.ts';

/** A fixed window per key: `points` per `durationSec`, counted with `store.incr`. */
export function counterLimiter(store: Store, options: LimiterOptions, now: () => number): Limiter {
  const windowMs = options.durationSec * 1000;
  const slot = () => {
    const index = Math.floor(now() / windowMs);
    return { index, msBeforeNext: (index + 1) * windowMs - now() };
  };
  const keyOf = (key: string, index: number) => `rl:${options.keyPrefix}:${index}:${key}`;
  return {
    async consume(key): Promise<WindowCount> {
      const { index, msBeforeNext } = slot();
      // The window's key outlives its window a little, so a late give-back finds it.
      const consumedPoints = await store.incr(keyOf(key, index), windowMs + 60_000);
      return { consumedPoints, msBeforeNext };
    },
    async reward(key) {
      const { index } = slot();
      await store.incr(keyOf(key, index), windowMs + 60_000, -1);
    },
  };
}

/** The store's own limiter when it has one, else the counter. */
export function limiterFor(store: Store, options: LimiterOptions, now: () => number): Promise<Limiter> {
  return store.limiter ? store.limiter(options) : Promise.resolve(counterLimiter(store, options, now));
}
