import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_POLL_POLICY,
  isDefinitiveFailure,
  isRetryableSubmitStatus,
  nextPollDelay,
  parseRetryAfter,
  submitRetryDelay,
} from '../../src/client/polling.ts';
import { LIMITS } from '../../src/protocol.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-21T10:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 09:59:00 GMT', now)).toBe(0);
  });
  it('ignores missing and garbage values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('backoffDelay (full jitter)', () => {
  it('spans 0 up to base·2^(n-1), capped', () => {
    expect(backoffDelay(1, 0, 1000, 15000)).toBe(0);
    expect(backoffDelay(1, 0.999, 1000, 15000)).toBe(999);
    expect(backoffDelay(3, 0.5, 1000, 15000)).toBe(2000);
    expect(backoffDelay(10, 0.999, 1000, 15000)).toBe(14985);
  });
});

describe('nextPollDelay', () => {
  it("uses the server's pollAfterMs, within bounds", () => {
    expect(nextPollDelay({ kind: 'status', pollAfterMs: 2500 }, 0.5)).toEqual({ giveUp: false, delayMs: 2500 });
    expect(nextPollDelay({ kind: 'status', pollAfterMs: 0 }, 0.5)).toEqual({ giveUp: false, delayMs: DEFAULT_POLL_POLICY.minDelayMs });
    expect(nextPollDelay({ kind: 'status', pollAfterMs: 3_600_000 }, 0.5)).toEqual({
      giveUp: false,
      delayMs: DEFAULT_POLL_POLICY.maxDelayMs,
    });
  });
  it('falls back to LIMITS.pollAfterMs when the server gives none', () => {
    expect(nextPollDelay({ kind: 'status' }, 0.5)).toEqual({ giveUp: false, delayMs: LIMITS.pollAfterMs });
  });
  it('honours Retry-After when throttled', () => {
    expect(nextPollDelay({ kind: 'throttled', retryAfterMs: 7000, consecutiveErrors: 1 }, 0.1)).toEqual({ giveUp: false, delayMs: 7000 });
  });
  it('backs off with jitter on errors and a throttle without Retry-After', () => {
    const low = nextPollDelay({ kind: 'error', consecutiveErrors: 4 }, 0);
    const high = nextPollDelay({ kind: 'error', consecutiveErrors: 4 }, 0.99);
    expect(low).toEqual({ giveUp: false, delayMs: DEFAULT_POLL_POLICY.minDelayMs });
    expect(high).toEqual({ giveUp: false, delayMs: Math.floor(0.99 * 8000) });
    expect(nextPollDelay({ kind: 'throttled', consecutiveErrors: 2 }, 0.99)).toEqual({ giveUp: false, delayMs: 1980 });
  });
  it('gives up after maxConsecutiveErrors', () => {
    const n = DEFAULT_POLL_POLICY.maxConsecutiveErrors;
    expect(nextPollDelay({ kind: 'error', consecutiveErrors: n }, 0.5).giveUp).toBe(false);
    expect(nextPollDelay({ kind: 'error', consecutiveErrors: n + 1 }, 0.5)).toEqual({ giveUp: true });
    expect(nextPollDelay({ kind: 'throttled', retryAfterMs: 1000, consecutiveErrors: n + 1 }, 0.5)).toEqual({ giveUp: true });
  });
});

describe('submit retry policy', () => {
  it('retries only no-answer and gateway statuses', () => {
    expect([0, 502, 503, 504].every(isRetryableSubmitStatus)).toBe(true);
    expect([400, 401, 403, 413, 415, 422, 429, 500].some(isRetryableSubmitStatus)).toBe(false);
  });
  it('waits Retry-After (capped at 10 s) or a jittered backoff of at least 250 ms', () => {
    expect(submitRetryDelay(1, 3000, 0.5)).toBe(3000);
    expect(submitRetryDelay(1, 120_000, 0.5)).toBe(10_000);
    expect(submitRetryDelay(1, undefined, 0)).toBe(250);
    expect(submitRetryDelay(2, undefined, 0.99)).toBe(990);
  });
});

describe('isDefinitiveFailure (decides whether a retry gets a new idempotency key)', () => {
  it('a failed job and a 4xx refusal are definitive', () => {
    expect(isDefinitiveFailure({ code: 'generation_failed', status: 0 }, 'job')).toBe(true);
    expect(isDefinitiveFailure({ code: 'garment_host_not_allowed', status: 403 }, 'request')).toBe(true);
    expect(isDefinitiveFailure({ code: 'photo_corrupt', status: 422 }, 'request')).toBe(true);
  });
  it('network errors, timeouts, throttling and 5xx are not: the job may exist', () => {
    expect(isDefinitiveFailure({ code: 'network_error', status: 0 }, 'request')).toBe(false);
    expect(isDefinitiveFailure({ code: 'provider_unavailable', status: 503 }, 'request')).toBe(false);
    expect(isDefinitiveFailure({ code: 'rate_limited', status: 429 }, 'request')).toBe(false);
    expect(isDefinitiveFailure({ code: 'internal_error', status: 500 }, 'request')).toBe(false);
  });
});
