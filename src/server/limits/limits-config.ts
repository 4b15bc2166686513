/**
 * Rate limits, daily caps and the trusted-proxy setting: defaults, the `TRYON_RATE_LIMITS`,
 * `TRYON_DAILY_LIMIT` and `TRYON_TRUST_PROXY` syntax, and their validation (startup errors).
 */
import { ConfigError } from '../config-error.ts';

/** The windowed policies, by what they count: submits or polls, per client IP or per shopper. */
export const WINDOW_POLICIES = ['submit-ip', 'submit-shopper', 'poll-ip', 'poll-shopper'] as const;
export type WindowPolicy = (typeof WINDOW_POLICIES)[number];

export interface WindowLimit {
  /** Requests allowed per window. */
  points: number;
  /** Window length in seconds. */
  windowSec: number;
}

/** What `rateLimits` (option) and `TRYON_RATE_LIMITS` may set; `false` turns a limit off. */
export type RateLimitOptions = Partial<Record<WindowPolicy, WindowLimit | false>> & {
  /** Generations per shop per UTC day. */
  'shop-day'?: number | false;
};

/** Where the client IP comes from when the endpoint sits behind a proxy (`TRYON_TRUST_PROXY`). */
export interface TrustProxy {
  /** Lower-case header name, e.g. `x-forwarded-for`, `cf-connecting-ip`. */
  header: string;
  /** For X-Forwarded-For: which entry counting from the right (1 = the one your proxy appended). */
  hops: number;
}

export interface LimitsConfig {
  windows: Record<WindowPolicy, WindowLimit | false>;
  shopDaily: number | false;
  globalDaily: number | false;
  trustProxy: TrustProxy | undefined;
}

/**
 * Defaults sized so no real shopper meets them: a person needs well over 3 s to pick a product
 * and start a try-on, the widget polls a job every 2 s (30 a minute), and many shoppers can share
 * one IP (mobile carriers, offices), so per-IP budgets are several shoppers wide. These stop
 * bursts and scripts; the daily caps are what bound spend.
 */
export const DEFAULT_LIMITS: LimitsConfig = {
  windows: {
    'submit-ip': { points: 60, windowSec: 60 },
    'submit-shopper': { points: 20, windowSec: 60 },
    'poll-ip': { points: 1200, windowSec: 60 },
    'poll-shopper': { points: 240, windowSec: 60 },
  },
  shopDaily: 1000,
  globalDaily: 1000,
  trustProxy: undefined,
};

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const RATE_HINT =
  'TRYON_RATE_LIMITS must be comma-separated name=count/window pairs, e.g. submit-ip=30/1m,poll-shopper=120/60s,shop-day=1000 ("off" turns one off)';

function count(raw: string, setting: string): number {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw new ConfigError(`${setting} must be a whole number of at least 1 (or "off").`);
  return Number(raw);
}

function windowLimit(raw: string, name: string): WindowLimit {
  const match = /^(\d{1,9})\/(\d{1,6})?([smhd])?$/.exec(raw);
  if (!match || (!match[2] && !match[3])) throw new ConfigError(`${RATE_HINT}; "${name}=${raw.slice(0, 40)}" is not one.`);
  const points = count(match[1]!, `TRYON_RATE_LIMITS ${name}`);
  const windowSec = Number(match[2] ?? 1) * UNITS[match[3] ?? 's']!;
  if (windowSec < 1 || windowSec > 86400) throw new ConfigError(`TRYON_RATE_LIMITS ${name}: the window must be from 1 second to 1 day.`);
  return { points, windowSec };
}

/** `submit-ip=30/1m,poll-ip=off,shop-day=500` → RateLimitOptions. Throws ConfigError naming the setting. */
export function parseRateLimits(value: string): RateLimitOptions {
  const out: RateLimitOptions = {};
  for (const pair of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf('=');
    const name = (eq > 0 ? pair.slice(0, eq) : pair).trim().toLowerCase();
    const raw =
      eq > 0
        ? pair
            .slice(eq + 1)
            .trim()
            .toLowerCase()
        : '';
    if (name === 'shop-day') {
      out['shop-day'] = raw === 'off' ? false : count(raw, 'TRYON_RATE_LIMITS shop-day');
    } else if ((WINDOW_POLICIES as readonly string[]).includes(name)) {
      out[name as WindowPolicy] = raw === 'off' ? false : windowLimit(raw, name);
    } else {
      throw new ConfigError(
        `${RATE_HINT}. Known names: ${[...WINDOW_POLICIES, 'shop-day'].join(', ')}; "${name.slice(0, 40)}" is not one.`,
      );
    }
  }
  return out;
}

/** `TRYON_DAILY_LIMIT`: a whole number, or `off`. */
export function parseDailyLimit(value: string): number | false {
  const raw = value.trim().toLowerCase();
  return raw === 'off' ? false : count(raw, 'TRYON_DAILY_LIMIT');
}

/**
 * `TRYON_TRUST_PROXY`: the header your proxy sets to the client address. `x-forwarded-for` takes
 * the entry your proxy appended (the rightmost); `x-forwarded-for:2` skips one more proxy in front
 * (e.g. a CDN before a load balancer). Any other header (`cf-connecting-ip`, `x-real-ip`,
 * `fly-client-ip`) is read whole. Never set it when clients reach the endpoint directly: they could
 * then pick their own address.
 */
export function parseTrustProxy(value: string): TrustProxy {
  const match = /^([a-z0-9-]{1,64})(?::(\d{1,2}))?$/i.exec(value.trim());
  const hops = match?.[2] === undefined ? 1 : Number(match[2]);
  if (!match || hops < 1 || (match[2] !== undefined && match[1]!.toLowerCase() !== 'x-forwarded-for')) {
    throw new ConfigError(
      'TRYON_TRUST_PROXY must name the header your proxy sets to the client IP, e.g. x-forwarded-for, x-forwarded-for:2 or cf-connecting-ip.',
    );
  }
  return { header: match[1]!.toLowerCase(), hops };
}

/** Options (already parsed from the environment or given in code) over the defaults, checked. */
export function resolveLimits(options: { rateLimits?: RateLimitOptions; dailyLimit?: number | false; trustProxy?: string }): LimitsConfig {
  const windows = { ...DEFAULT_LIMITS.windows };
  for (const name of WINDOW_POLICIES) {
    const limit = options.rateLimits?.[name];
    if (limit === undefined) continue;
    if (
      limit !== false &&
      !(Number.isInteger(limit.points) && limit.points >= 1 && Number.isInteger(limit.windowSec) && limit.windowSec >= 1)
    ) {
      throw new ConfigError(`rateLimits["${name}"] (TRYON_RATE_LIMITS) needs whole numbers: points ≥ 1 and windowSec ≥ 1, or false.`);
    }
    windows[name] = limit;
  }
  const daily = (value: number | false | undefined, fallback: number | false, setting: string) => {
    if (value === undefined) return fallback;
    if (value !== false && !(Number.isInteger(value) && value >= 1))
      throw new ConfigError(`${setting} must be a whole number of at least 1, or off.`);
    return value;
  };
  return {
    windows,
    shopDaily: daily(options.rateLimits?.['shop-day'], DEFAULT_LIMITS.shopDaily, 'rateLimits["shop-day"] (TRYON_RATE_LIMITS shop-day)'),
    globalDaily: daily(options.dailyLimit, DEFAULT_LIMITS.globalDaily, 'TRYON_DAILY_LIMIT (option dailyLimit)'),
    trustProxy: options.trustProxy ? parseTrustProxy(options.trustProxy) : undefined,
  };
}
