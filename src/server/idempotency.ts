/**
 * `Idempotency-Key`: a retried submit gets the first answer back and the provider is charged once.
 * The first request takes a short lock; identical requests arriving meanwhile wait for its answer
 * (or its error) instead of starting a second paid job.
 */
import type { Store } from './store.ts';
import { ApiError } from './api-error.ts';

const ANSWER_TTL_MS = 24 * 60 * 60 * 1000;
const LOCK_TTL_MS = 120_000;
/** A failure is shared with requests already waiting, then forgotten so a later retry tries again. */
const FAILURE_TTL_MS = 10_000;
const WAIT_LIMIT_MS = 60_000;
const WAIT_STEP_MS = 50;

/** The key if it is usable: 1–255 visible ASCII characters (a UUID is typical). */
export function checkIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new ApiError(400, 'idempotency_key_invalid', 'The Idempotency-Key header must be 1 to 255 visible ASCII characters, such as a UUID.');
  }
  return value;
}

interface StoredFailure {
  status: number;
  code: ApiError['code'];
  message: string;
  retryAfterSec?: number;
}

/** A digest of what a request asks for, so a key reused for a different try-on is caught. */
export async function fingerprint(parts: Array<string | Uint8Array>): Promise<string> {
  const encoder = new TextEncoder();
  const chunks = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length + 4, 0));
  let offset = 0;
  for (const chunk of chunks) {
    // Length-prefixed, so ("ab","c") and ("a","bc") differ.
    new DataView(joined.buffer).setUint32(offset, chunk.length);
    joined.set(chunk, offset + 4);
    offset += chunk.length + 4;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const reused = () =>
  new ApiError(422, 'idempotency_key_invalid', 'This Idempotency-Key was already used for a different try-on. Use a new key for each new try-on.');

/**
 * Runs `work` once per key; every other call with the key and the same fingerprint gets the same
 * answer (or error); a different fingerprint is refused.
 */
export async function once<T>(
  store: Store,
  key: string,
  print: string,
  work: () => Promise<T>,
  toFailure: (error: unknown) => StoredFailure,
): Promise<T> {
  const answerKey = `idem:${key}`;
  const lockKey = `idem:${key}:lock`;
  const failureKey = `idem:${key}:failure`;
  const started = Date.now();
  for (;;) {
    const answer = await store.get(answerKey);
    if (answer) {
      const stored = JSON.parse(answer) as { print: string; value: T };
      if (stored.print !== print) throw reused();
      return stored.value;
    }
    const failure = await store.get(failureKey);
    if (failure) {
      const f = JSON.parse(failure) as StoredFailure & { print: string };
      if (f.print !== print) throw reused();
      throw new ApiError(f.status, f.code, f.message, f.retryAfterSec === undefined ? {} : { retryAfterSec: f.retryAfterSec });
    }
    if (await store.setIfAbsent(lockKey, '1', LOCK_TTL_MS)) {
      try {
        const result = await work();
        await store.set(answerKey, JSON.stringify({ print, value: result }), ANSWER_TTL_MS);
        return result;
      } catch (error) {
        await store.set(failureKey, JSON.stringify({ ...toFailure(error), print }), FAILURE_TTL_MS);
        throw error;
      } finally {
        await store.delete(lockKey);
      }
    }
    if (Date.now() - started > WAIT_LIMIT_MS) {
      throw new ApiError(503, 'provider_busy', 'This try-on is still being started. Please try again in a moment.', { retryAfterSec: 2 });
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}
