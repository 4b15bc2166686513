/**
 * Cost control in front of the provider: per-IP and per-shopper request limits on submit and on
 * poll (separate budgets), a daily cap on generations per shop and a daily spend breaker across
 * everything. Counting is done on the Store, so every instance sharing it shares the counts: by
 * rate-limiter-flexible where the store has a backend for it (memory, Redis), else by counters on
 * the store's atomic `incr` (counter-limiter.ts).
 *
 * Who is a "shopper": an id the server derives and a client cannot forge or choose, never one the
 * widget makes up (an attacker would just rotate it):
 * - on submit, a digest of the photo's bytes (a sent photo, or the one behind a photoRef), so the
 *   same shopper trying on product after product is one budget;
 * - on poll, the photo handle inside the (encrypted) job token.
 * An attacker can still vary photos; the per-IP budget and the daily caps bound that.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Store } from '../store/store.ts';
import type { Logger } from '../log.ts';
import { ApiError } from '../http/api-error.ts';
import { ProviderError } from '../providers/errors.ts';
import type { Limiter, WindowCount } from '../store/limiter.ts';
import { limiterFor } from './counter-limiter.ts';
import { StoreUnavailableError } from '../store/store-unavailable.ts';
import { clientIp } from '../http/client-ip.ts';
import type { LimitsConfig, WindowPolicy } from './limits-config.ts';
import { rateLimit, rateLimitPolicy, type LimitState } from '../http/ratelimit-headers.ts';

const DAY_SEC = 86_400;

/** A refusal by a windowed limit (429 rate_limited) or a daily cap (429 daily_limit_reached). */
export class LimitError extends ApiError {
  constructor(daily: boolean, retryAfterSec: number) {
    super(
      429,
      daily ? 'daily_limit_reached' : 'rate_limited',
      daily
        ? 'Try-on has reached its limit for today. Please come back tomorrow.'
        : `Too many try-on requests in a short time. Please wait ${retryAfterSec} seconds and try again.`,
      { retryAfterSec },
    );
    this.name = 'LimitError';
  }
}

/**
 * Failures that happened before anything was generated: our own refusals (an ApiError, e.g. a
 * garment redirect to a host that is not allowed) and provider answers that started nothing. The
 * daily caps give the unit back.
 */
const notCharged = (error: unknown) =>
  error instanceof ApiError ||
  (error instanceof ProviderError &&
    (error.kind === 'auth' || error.kind === 'rejected' || error.kind === 'busy' || error.kind === 'unavailable'));

export class Limits {
  readonly #config: LimitsConfig;
  readonly #store: Store;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #limiters = new Map<string, Promise<Limiter>>();
  readonly #applied = new WeakMap<Context, LimitState[]>();
  #warnedNoIp = false;

  constructor(config: LimitsConfig, store: Store, now: () => number, log: Logger) {
    this.#config = config;
    this.#store = store;
    this.#now = now;
    this.#log = log;
  }

  /** Middleware: writes the RateLimit-Policy / RateLimit fields of the limits a request met, refused or not. */
  headers(): MiddlewareHandler {
    return async (c, next) => {
      await next();
      const states = this.#applied.get(c);
      if (!states?.length) return;
      c.res.headers.set('ratelimit-policy', rateLimitPolicy(states));
      c.res.headers.set('ratelimit', rateLimit(states));
    };
  }

  /** Counts a submit against the client's IP budget; throws LimitError when it is spent. */
  submitByIp(c: Context): Promise<void> {
    return this.#hit(c, 'submit-ip', this.#ip(c));
  }

  /** Counts a submit against the shopper's budget (keyed by the photo's bytes). */
  async submitByShopper(c: Context, photo: Uint8Array): Promise<void> {
    if (!this.#config.windows['submit-shopper']) return;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(photo)));
    const key = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
    return this.#hit(c, 'submit-shopper', key);
  }

  pollByIp(c: Context): Promise<void> {
    return this.#hit(c, 'poll-ip', this.#ip(c));
  }

  /** Counts a poll against the shopper's budget: `photoRef` from the verified job token. */
  pollByShopper(c: Context, photoRef: string): Promise<void> {
    return this.#hit(c, 'poll-shopper', photoRef);
  }

  /**
   * Runs `work`, one paid generation, if today's caps (this shop's and the endpoint's) allow it,
   * counting it once; a refusal counts nothing, and a provider failure that cost nothing is given
   * back. Call it only where a job is really started (inside the idempotency guard), so a retried
   * submit answered from the idempotency store is never counted again.
   */
  async generation<T>(c: Context, work: () => Promise<T>): Promise<T> {
    const day = new Date(this.#now()).toISOString().slice(0, 10);
    const resetSec = Math.ceil((Date.parse(`${day}T00:00:00Z`) + DAY_SEC * 1000 - this.#now()) / 1000);
    const caps: Array<{ policy: string; cap: number; key: string }> = [];
    if (this.#config.shopDaily) caps.push({ policy: 'shop-day', cap: this.#config.shopDaily, key: `${day}:${shopOf(c)}` });
    if (this.#config.globalDaily) caps.push({ policy: 'endpoint-day', cap: this.#config.globalDaily, key: day });

    const taken: Array<{ limiter: Limiter; key: string }> = [];
    const giveBack = async () => {
      await Promise.all(taken.map(({ limiter, key }) => limiter.reward(key).catch(() => undefined)));
    };
    for (const { policy, cap, key } of caps) {
      // Two days of life: the key names its UTC day, so it only has to outlast that day.
      const limiter = await this.#limiter(policy, cap, 2 * DAY_SEC);
      const res = await this.#consume(limiter, key);
      taken.push({ limiter, key });
      if (res.consumedPoints > cap) {
        await giveBack();
        this.#record(c, { policy, quota: cap, windowSec: DAY_SEC, remaining: 0, resetSec });
        this.#log.warn({
          event: 'limit',
          policy,
          message: `The daily cap of ${cap} generations is reached; new try-ons are refused until 00:00 UTC.`,
        });
        throw new LimitError(true, resetSec);
      }
    }
    try {
      return await work();
    } catch (error) {
      if (notCharged(error)) await giveBack();
      throw error;
    }
  }

  #ip(c: Context): string | undefined {
    const ip = clientIp(c.req.raw, c.env, this.#config.trustProxy);
    if (!ip && !this.#warnedNoIp) {
      this.#warnedNoIp = true;
      this.#log.warn({
        event: 'config',
        message:
          'The client IP is unknown on this runtime, so per-IP limits are off. Set TRYON_TRUST_PROXY to the header your platform sets (e.g. x-forwarded-for, cf-connecting-ip).',
      });
    }
    return ip;
  }

  async #hit(c: Context, policy: WindowPolicy, key: string | undefined): Promise<void> {
    const limit = this.#config.windows[policy];
    if (!limit || key === undefined) return;
    const res = await this.#consume(await this.#limiter(policy, limit.points, limit.windowSec), key);
    const resetSec = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    this.#record(c, {
      policy,
      quota: limit.points,
      windowSec: limit.windowSec,
      remaining: Math.max(0, limit.points - res.consumedPoints),
      resetSec,
    });
    if (res.consumedPoints > limit.points) {
      this.#log.info({ event: 'limit', policy });
      throw new LimitError(false, resetSec);
    }
  }

  #record(c: Context, state: LimitState): void {
    const states = this.#applied.get(c) ?? [];
    states.push(state);
    this.#applied.set(c, states);
  }

  /** Consumes one point; an over-limit answer is returned (not thrown), a backend failure is a 503. */
  async #consume(limiter: Limiter, key: string): Promise<WindowCount> {
    try {
      return await limiter.consume(key);
    } catch (error) {
      throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error);
    }
  }

  #limiter(policy: string, points: number, duration: number): Promise<Limiter> {
    const id = `${policy}:${points}:${duration}`;
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      limiter = limiterFor(this.#store, { keyPrefix: policy, points, durationSec: duration }, this.#now);
      // A failed first connection must not be cached: the next request tries again.
      limiter.catch(() => this.#limiters.delete(id));
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }
}

/**
 * The shop a generation is charged to: the request's scope (the verified Shopify shop in app proxy
 * mode, else the allowed storefront origin, set by the access middleware), falling back to the
 * Origin header, then the endpoint's own host.
 */
export function shopOf(c: Context): string {
  const scope = (c.var as { scope?: unknown }).scope;
  if (typeof scope === 'string' && scope) return scope.slice(0, 300);
  const origin = c.req.header('origin');
  return (origin && origin !== 'null' ? `origin:${origin}` : `self:${new URL(c.req.url).host}`).slice(0, 300);
}
