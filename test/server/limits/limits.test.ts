import { describe, expect, it } from 'vitest';
import { errorOf, get, setup, submitRequest, BASE } from '../helpers.ts';
import { photoPng } from '../images.ts';
import {
  parseDailyLimit,
  parseRateLimits,
  parseTrustProxy,
  resolveLimits,
  DEFAULT_LIMITS,
} from '../../../src/server/limits/limits-config.ts';
import { clientIp, ipKey } from '../../../src/server/http/client-ip.ts';
import { rateLimit, rateLimitPolicy } from '../../../src/server/http/ratelimit-headers.ts';
import { optionsFromEnv, ConfigError } from '../../../src/server/config.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import type { HandlerOptions } from '../../../src/server/options.ts';
import { MemoryStore, type Store } from '../../../src/server/store/store.ts';

const SHOP_A = 'https://a.example';
const SHOP_B = 'https://b.example';

/** The same image with one more byte after IEND: still a valid PNG, but other bytes, so another shopper. */
const otherPhoto = (() => {
  const copy = new Uint8Array(photoPng.length + 1);
  copy.set(photoPng);
  return copy;
})();

function limited(options: HandlerOptions) {
  return setup({ trustProxy: 'x-forwarded-for', allowedOrigins: [SHOP_A, SHOP_B], ...options });
}

const from = (ip: string, origin = SHOP_A, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, origin, ...extra });

describe('limit settings', () => {
  it('parses TRYON_RATE_LIMITS windows in s/m/h, "off", and shop-day', () => {
    expect(parseRateLimits('submit-ip=30/1m, poll-ip=off,poll-shopper=120/60,submit-shopper=5/2h,shop-day=500')).toEqual({
      'submit-ip': { points: 30, windowSec: 60 },
      'poll-ip': false,
      'poll-shopper': { points: 120, windowSec: 60 },
      'submit-shopper': { points: 5, windowSec: 7200 },
      'shop-day': 500,
    });
    expect(parseDailyLimit('250')).toBe(250);
    expect(parseDailyLimit('off')).toBe(false);
  });

  it.each([
    ['submit-ip=30', /count\/window/],
    ['submit-ip=0/1m', /at least 1/],
    ['submit-ip=30/0s', /from 1 second to 1 day/],
    ['submit-ip=30/2d', /from 1 second to 1 day/],
    ['submit-everything=3/1m', /Known names: submit-ip/],
    ['shop-day=-4', /whole number/],
  ])('refuses TRYON_RATE_LIMITS=%s with a sentence naming the setting', (value, pattern) => {
    expect(() => parseRateLimits(value)).toThrow(ConfigError);
    expect(() => parseRateLimits(value)).toThrow(pattern);
  });

  it('reads REDIS_URL, TRYON_RATE_LIMITS, TRYON_DAILY_LIMIT and TRYON_TRUST_PROXY from the environment, and refuses bad ones at startup', () => {
    const options = optionsFromEnv({
      REDIS_URL: 'redis://127.0.0.1:6390/2',
      TRYON_SECRET: 'limits-test-secret-0123456789abcdef',
      TRYON_RATE_LIMITS: 'submit-ip=5/10s',
      TRYON_DAILY_LIMIT: '42',
      TRYON_TRUST_PROXY: 'cf-connecting-ip',
    });
    expect(options).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6390/2',
      rateLimits: { 'submit-ip': { points: 5, windowSec: 10 } },
      dailyLimit: 42,
      trustProxy: 'cf-connecting-ip',
    });
    expect(() => optionsFromEnv({ REDIS_URL: 'http://cache:6379', TRYON_SECRET: 'limits-test-secret-0123456789abcdef' })).toThrow(
      /REDIS_URL/,
    );
    expect(() => optionsFromEnv({ TRYON_DAILY_LIMIT: 'lots' })).toThrow(/TRYON_DAILY_LIMIT/);
    expect(() => optionsFromEnv({ TRYON_TRUST_PROXY: 'x-real-ip:2' })).toThrow(/TRYON_TRUST_PROXY/);
  });

  it('defaults leave room for real shoppers: a job polled every 2 s for 3 minutes fits the per-shopper poll budget', () => {
    const config = resolveLimits({});
    expect(config).toEqual(DEFAULT_LIMITS);
    const poll = config.windows['poll-shopper'];
    expect(poll && poll.points / poll.windowSec).toBeGreaterThanOrEqual(1 / 2);
    expect(config.globalDaily).toBe(1000);
    expect(resolveLimits({ dailyLimit: false, rateLimits: { 'poll-ip': false } })).toMatchObject({
      globalDaily: false,
      windows: { 'poll-ip': false },
    });
    expect(() => resolveLimits({ rateLimits: { 'submit-ip': { points: 1.5, windowSec: 60 } } })).toThrow(ConfigError);
  });
});

describe('client IP', () => {
  const request = (headers: Record<string, string> = {}) => new Request('http://x/', { headers });
  const socket = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

  it('keys IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 by its /64, and rejects non-addresses', () => {
    expect(ipKey('203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipKey('[2001:db8:1:2:ffff:ffff:ffff:ffff]')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:db8:1:3::1')).not.toBe(ipKey('2001:db8:1:2::1'));
    expect(ipKey('not-an-ip')).toBeUndefined();
    expect(ipKey('')).toBeUndefined();
  });

  it('uses the socket unless a proxy header is trusted; never a header the merchant did not name', () => {
    expect(clientIp(request({ 'x-forwarded-for': '1.1.1.1' }), socket('10.0.0.7'), undefined)).toBe('10.0.0.7');
    expect(clientIp(request(), undefined, undefined)).toBeUndefined();
    const xff = parseTrustProxy('x-forwarded-for');
    // The client wrote "6.6.6.6"; our proxy appended the address it saw.
    expect(clientIp(request({ 'x-forwarded-for': '6.6.6.6, 198.51.100.4' }), socket('10.0.0.7'), xff)).toBe('198.51.100.4');
    expect(
      clientIp(request({ 'x-forwarded-for': '6.6.6.6, 198.51.100.4, 10.1.1.1' }), socket('10.0.0.7'), parseTrustProxy('x-forwarded-for:2')),
    ).toBe('198.51.100.4');
    expect(
      clientIp(
        request({ 'cf-connecting-ip': '198.51.100.8', 'x-forwarded-for': '6.6.6.6' }),
        undefined,
        parseTrustProxy('CF-Connecting-IP'),
      ),
    ).toBe('198.51.100.8');
    // Header missing or garbage: the socket, not the garbage.
    expect(clientIp(request({ 'x-forwarded-for': 'evil' }), socket('10.0.0.7'), xff)).toBe('10.0.0.7');
  });
});

describe('RateLimit header fields (draft-ietf-httpapi-ratelimit-headers)', () => {
  it('are Structured Field lists of strings with q/w and r/t parameters', () => {
    const states = [
      { policy: 'submit-ip', quota: 30, windowSec: 60, remaining: 29, resetSec: 60 },
      { policy: 'submit-shopper', quota: 10, windowSec: 60, remaining: 0, resetSec: 41.2 },
    ];
    expect(rateLimitPolicy(states)).toBe('"submit-ip";q=30;w=60, "submit-shopper";q=10;w=60');
    expect(rateLimit(states)).toBe('"submit-ip";r=29;t=60, "submit-shopper";r=0;t=42');
  });
});

describe('request limits', () => {
  it('per IP on submit: over budget is 429 rate_limited with Retry-After and RateLimit fields, before the body is read, at zero provider calls', async () => {
    const s = limited({ rateLimits: { 'submit-ip': { points: 2, windowSec: 60 } } });
    for (let i = 0; i < 2; i++) {
      const ok = await s.handler(submitRequest({}, { headers: from('198.51.100.1') }));
      expect(ok.status).toBe(202);
      expect(ok.headers.get('ratelimit-policy')).toContain('"submit-ip";q=2;w=60');
      expect(ok.headers.get('ratelimit')).toContain(`"submit-ip";r=${1 - i};t=`);
    }
    // Not even multipart: the limit answers first, the upload is never parsed.
    const refused = await s.handler(
      new Request(`${BASE}/jobs`, {
        method: 'POST',
        body: 'x'.repeat(1000),
        headers: { ...from('198.51.100.1'), 'content-type': 'text/plain' },
      }),
    );
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toMatch(/^"submit-ip";r=0;t=\d+$/);
    // Retry-After is not earlier than the end of the effective window (draft, section 6).
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(
      Number(/t=(\d+)/.exec(refused.headers.get('ratelimit')!)![1]),
    );
    const body = await errorOf(refused);
    expect(body.code).toBe('rate_limited');
    expect(body.message).toMatch(/wait \d+ seconds/);
    expect(s.adapter.submits).toHaveLength(2);
    // Another address has its own budget.
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.2') }))).status).toBe(202);
  });

  it('per shopper on submit: the same photo from many addresses shares one budget, as does its photoRef', async () => {
    const s = limited({ rateLimits: { 'submit-shopper': { points: 2, windowSec: 60 } } });
    const first = (await (await s.handler(submitRequest({}, { headers: from('198.51.100.10') }))).json()) as { photoRef: string };
    expect(
      (await s.handler(submitRequest({ photoRef: first.photoRef, photo: undefined }, { headers: from('198.51.100.11') }))).status,
    ).toBe(202);
    const third = await s.handler(submitRequest({}, { headers: from('198.51.100.12') }));
    expect(third.status).toBe(429);
    expect(third.headers.get('ratelimit')).toMatch(/"submit-shopper";r=0;t=\d+/);
    expect(s.adapter.submits).toHaveLength(2);
    // A different photo is a different shopper.
    expect((await s.handler(submitRequest({ photo: otherPhoto }, { headers: from('198.51.100.12') }))).status).toBe(202);
  });

  it('polls have their own budgets (per IP and per shopper), separate from submits', async () => {
    const s = limited({
      rateLimits: {
        'submit-ip': { points: 1, windowSec: 60 },
        'poll-shopper': { points: 3, windowSec: 60 },
        'poll-ip': { points: 5, windowSec: 60 },
      },
    });
    const { job } = (await (await s.handler(submitRequest({}, { headers: from('198.51.100.20') }))).json()) as { job: string };
    // The submit budget is spent, polling still works.
    for (let i = 0; i < 3; i++) expect((await s.handler(get(`/jobs/${job}`, from('198.51.100.20')))).status).toBe(200);
    const refused = await s.handler(get(`/jobs/${job}`, from('198.51.100.21')));
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('rate_limited');
    expect(refused.headers.get('ratelimit')).toMatch(/"poll-ip";r=\d+;t=\d+, "poll-shopper";r=0;t=\d+/);
    expect(s.adapter.statusCalls).toBe(0);
  });

  it('without a known client IP (no socket, no trusted header) per-IP limits are off and a warning says how to fix it', async () => {
    const s = setup({ rateLimits: { 'submit-ip': { points: 1, windowSec: 60 } } });
    for (let i = 0; i < 3; i++) expect((await s.handler(submitRequest({ photo: i % 2 ? otherPhoto : photoPng }))).status).toBe(202);
    const warnings = s.logs.filter((e) => (e as { event?: string }).event === 'config' && JSON.stringify(e).includes('TRYON_TRUST_PROXY'));
    expect(warnings).toHaveLength(1);
  });
});

describe('daily caps', () => {
  it('a shop over its daily cap gets 429 daily_limit_reached until 00:00 UTC; other shops are unaffected', async () => {
    const s = limited({ rateLimits: { 'shop-day': 2 } });
    s.clock.advance(23 * 3600 * 1000); // 23:00 UTC
    for (let i = 0; i < 2; i++)
      expect((await s.handler(submitRequest({}, { headers: from(`198.51.100.${30 + i}`, SHOP_A) }))).status).toBe(202);
    const refused = await s.handler(submitRequest({}, { headers: from('198.51.100.40', SHOP_A) }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3600');
    expect(refused.headers.get('ratelimit')).toContain('"shop-day";r=0;t=3600');
    expect(refused.headers.get('ratelimit-policy')).toContain('"shop-day";q=2;w=86400');
    const body = await errorOf(refused);
    expect(body.code).toBe('daily_limit_reached');
    expect(body.message).toMatch(/tomorrow/);
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.41', SHOP_B) }))).status).toBe(202);
    expect(s.adapter.submits).toHaveLength(3);
    // A new UTC day, a new budget.
    s.clock.advance(3600 * 1000);
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.42', SHOP_A) }))).status).toBe(202);
  });

  it('requests refused by a cap count nothing against the other caps', async () => {
    const s = limited({ dailyLimit: 3, rateLimits: { 'shop-day': 1 } });
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.50', SHOP_A) }))).status).toBe(202);
    for (let i = 0; i < 3; i++) expect((await s.handler(submitRequest({}, { headers: from('198.51.100.51', SHOP_A) }))).status).toBe(429);
    // Had those three refusals been counted, the endpoint-wide budget of 3 would be gone already.
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.52', SHOP_B) }))).status).toBe(202);
    expect((await s.handler(submitRequest({}, { headers: { 'x-forwarded-for': '198.51.100.53' } }))).status).toBe(202);
    expect(s.adapter.submits).toHaveLength(3);
  });

  it('the spend breaker refuses the generation past the limit even for a fresh shop', async () => {
    const s = limited({ dailyLimit: 2, rateLimits: { 'shop-day': false } });
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.60', SHOP_A) }))).status).toBe(202);
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.61', SHOP_B) }))).status).toBe(202);
    const refused = await s.handler(submitRequest({}, { headers: from('198.51.100.62', SHOP_B) }));
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('daily_limit_reached');
    expect(refused.headers.get('ratelimit')).toContain('"endpoint-day";r=0;t=86400');
    expect(s.adapter.submits).toHaveLength(2);
    expect(s.logs.some((e) => JSON.stringify(e).includes('"policy":"endpoint-day"'))).toBe(true);
  });

  it('an idempotent retry is charged once and counted once', async () => {
    const s = limited({ dailyLimit: 2 });
    const key = { 'idempotency-key': 'retry-me-0001' };
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push((await (await s.handler(submitRequest({}, { headers: from('198.51.100.70', SHOP_A, key) }))).json()) as { job: string });
    expect(new Set(answers.map((a) => a.job)).size).toBe(1);
    expect(s.adapter.submits).toHaveLength(1);
    // One of two generations used, so one more fits, and then no more.
    expect(
      (await s.handler(submitRequest({}, { headers: from('198.51.100.71', SHOP_A, { 'idempotency-key': 'second-0002' }) }))).status,
    ).toBe(202);
    expect(
      (await s.handler(submitRequest({}, { headers: from('198.51.100.72', SHOP_A, { 'idempotency-key': 'third-00003' }) }))).status,
    ).toBe(429);
  });

  it('a provider failure that cost nothing gives the generation back; a timeout (maybe charged) does not', async () => {
    const s = limited({ dailyLimit: 1 });
    s.adapter.submitError = new ProviderError('unavailable', 'provider down');
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.80') }))).status).toBeGreaterThanOrEqual(500);
    s.adapter.submitError = new ProviderError('busy', 'slow down', { retryAfterSec: 3 });
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.81') }))).status).toBe(503);
    s.adapter.submitError = new ProviderError('timeout', 'no answer');
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.82') }))).status).toBe(504);
    s.adapter.submitError = undefined;
    const after = await s.handler(submitRequest({}, { headers: from('198.51.100.83') }));
    expect(after.status).toBe(429);
    expect((await errorOf(after)).code).toBe('daily_limit_reached');
    expect(s.adapter.submits).toHaveLength(3);
  });
});

describe('limits on any store', () => {
  /** A store of someone else's making: the contract's operations only, no limiter of its own. */
  function plainStore(clock: () => number): Store {
    const inner = new MemoryStore(clock);
    return {
      get: (k) => inner.get(k),
      set: (k, v, t) => inner.set(k, v, t),
      setIfAbsent: (k, v, t) => inner.setIfAbsent(k, v, t),
      setIfEquals: (k, e, v, t) => inner.setIfEquals(k, e, v, t),
      deleteIfEquals: (k, e) => inner.deleteIfEquals(k, e),
      delete: (k) => inner.delete(k),
      getBytes: (k) => inner.getBytes(k),
      setBytes: (k, b, t) => inner.setBytes(k, b, t),
      incr: (k, t, by) => inner.incr(k, t, by),
    };
  }

  it('a store without a limiter is limited by counters on its incr: per-IP windows and daily caps, shared by two handlers', async () => {
    const first = limited({ rateLimits: { 'submit-ip': { points: 2, windowSec: 60 }, 'shop-day': 3 } });
    const store = plainStore(first.clock.now);
    const a = limited({ store, now: first.clock.now, rateLimits: { 'submit-ip': { points: 2, windowSec: 60 }, 'shop-day': 3 } });
    const b = limited({ store, now: first.clock.now, rateLimits: { 'submit-ip': { points: 2, windowSec: 60 }, 'shop-day': 3 } });
    expect((await a.handler(submitRequest({}, { headers: from('198.51.100.70') }))).status).toBe(202);
    expect((await b.handler(submitRequest({}, { headers: from('198.51.100.70') }))).status).toBe(202);
    const third = await a.handler(submitRequest({}, { headers: from('198.51.100.70') }));
    expect(await errorOf(third)).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // A new window lets the address in again; the shop's day is one budget across both handlers.
    first.clock.advance(61_000);
    expect((await b.handler(submitRequest({}, { headers: from('198.51.100.71') }))).status).toBe(202);
    expect(await errorOf(await a.handler(submitRequest({}, { headers: from('198.51.100.72') })))).toMatchObject({
      status: 429,
      code: 'daily_limit_reached',
    });
    expect(a.adapter.submits.length + b.adapter.submits.length).toBe(3);
  });

  it('a give-back on a counter store restores the unit (a provider failure that cost nothing)', async () => {
    const clock = { t: Date.UTC(2025, 0, 1) };
    const store = plainStore(() => clock.t);
    const s = limited({ store, now: () => clock.t, rateLimits: { 'shop-day': 1 } });
    s.adapter.submitError = new ProviderError('busy', 'slow down', { retryAfterSec: 3 });
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.80') }))).status).toBe(503);
    s.adapter.submitError = undefined;
    expect((await s.handler(submitRequest({}, { headers: from('198.51.100.81') }))).status).toBe(202);
    expect(await errorOf(await s.handler(submitRequest({}, { headers: from('198.51.100.82') })))).toMatchObject({
      status: 429,
      code: 'daily_limit_reached',
    });
  });
});
