/**
 * Timing decisions of the browser client, as pure functions (no DOM, no clock, no randomness of
 * their own) so they can be tested exhaustively. The loops in submit.ts and poll.ts only apply them.
 */
import { LIMITS } from '../protocol.ts';

/** Knobs of the retry and polling policy. Defaults are tuned for a shopper waiting on a phone. */
export interface PollPolicy {
  /** Never poll faster than this, whatever the server says (protects the endpoint from a 0). */
  minDelayMs: number;
  /** Never wait longer than this between polls, even if the server asks for more. */
  maxDelayMs: number;
  /** First backoff step after a network or 5xx error. */
  backoffBaseMs: number;
  /** Cap of the exponential backoff. */
  backoffCapMs: number;
  /** Consecutive failed polls after which the client gives up. */
  maxConsecutiveErrors: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  minDelayMs: 500,
  maxDelayMs: 30_000,
  backoffBaseMs: 1000,
  backoffCapMs: 15_000,
  maxConsecutiveErrors: 6,
};

/** Retry-After in milliseconds from `nowMs` (the one parser, src/shared/time.ts). */
export { retryAfterMs as parseRetryAfter } from '../shared/time.ts';

/**
 * "Full jitter" exponential backoff (AWS architecture blog): a uniformly random delay between 0
 * and min(cap, base * 2^(attempt-1)). Spreads retries of many widgets after an outage.
 * `attempt` counts from 1; `random` is a number in [0, 1).
 */
export function backoffDelay(attempt: number, random: number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random * ceiling);
}

/** What the previous poll produced, as the next-delay decision needs it. */
export type PollOutcome =
  /** A 200 status answer; `pollAfterMs` as the server sent it (may be absent). */
  | { kind: 'status'; pollAfterMs?: number }
  /** 429 or 503: the server is throttling or briefly unavailable; it may say how long to wait. */
  | { kind: 'throttled'; retryAfterMs?: number; consecutiveErrors: number }
  /** No answer, or another 5xx. */
  | { kind: 'error'; consecutiveErrors: number };

export type PollDecision = { giveUp: false; delayMs: number } | { giveUp: true };

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * How long to wait before the next poll. The server's `pollAfterMs` (or its Retry-After) wins
 * when present, within the policy's bounds; errors back off exponentially with full jitter and
 * give up after `maxConsecutiveErrors`. A throttling answer without Retry-After counts as an error.
 */
export function nextPollDelay(outcome: PollOutcome, random: number, policy: PollPolicy = DEFAULT_POLL_POLICY): PollDecision {
  switch (outcome.kind) {
    case 'status': {
      const asked = outcome.pollAfterMs ?? LIMITS.pollAfterMs;
      return { giveUp: false, delayMs: clamp(asked, policy.minDelayMs, policy.maxDelayMs) };
    }
    case 'throttled':
    case 'error': {
      if (outcome.consecutiveErrors > policy.maxConsecutiveErrors) return { giveUp: true };
      if (outcome.kind === 'throttled' && outcome.retryAfterMs !== undefined) {
        return { giveUp: false, delayMs: clamp(outcome.retryAfterMs, policy.minDelayMs, policy.maxDelayMs) };
      }
      const jittered = backoffDelay(outcome.consecutiveErrors, random, policy.backoffBaseMs, policy.backoffCapMs);
      return { giveUp: false, delayMs: Math.max(policy.minDelayMs, jittered) };
    }
  }
}

/** Submit retries: how many extra attempts a network error or 502/503/504 gets (same key). */
export const SUBMIT_RETRIES = 2;

/** Whether a submit answer (HTTP status, 0 = no answer) is worth re-sending with the same key. */
export function isRetryableSubmitStatus(status: number): boolean {
  return status === 0 || status === 502 || status === 503 || status === 504;
}

/**
 * Delay before re-sending a submit: the server's Retry-After when given (capped, so a shopper
 * is not left waiting minutes), else a jittered backoff.
 */
export function submitRetryDelay(attempt: number, retryAfterMs: number | undefined, random: number): number {
  if (retryAfterMs !== undefined) return clamp(retryAfterMs, 0, 10_000);
  return Math.max(250, backoffDelay(attempt, random, 500, 4000));
}

/**
 * Whether a failed attempt is definitive: the job itself failed, or the endpoint answered and
 * refused (a 4xx other than 408/429). Only then does a retry get a NEW idempotency key. After a
 * network error, a timeout or a 5xx we cannot know whether the job was created and charged, so
 * the retry reuses the key and the endpoint answers with the same job instead of charging again.
 */
export function isDefinitiveFailure(error: { code: string; status: number }, phase: 'request' | 'job'): boolean {
  if (phase === 'job') return true;
  if (error.code === 'network_error' || error.code === 'aborted') return false;
  return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}
