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

/** Runs `work` once per key; every other call with the key gets the same answer (or error). */
export async function once<T>(store: Store, key: string, work: () => Promise<T>, toFailure: (error: unknown) => StoredFailure): Promise<T> {
  const answerKey = `idem:${key}`;
  const lockKey = `idem:${key}:lock`;
  const failureKey = `idem:${key}:failure`;
  const started = Date.now();
  for (;;) {
    const answer = await store.get(answerKey);
    if (answer) return JSON.parse(answer) as T;
    const failure = await store.get(failureKey);
    if (failure) {
      const f = JSON.parse(failure) as StoredFailure;
      throw new ApiError(f.status, f.code, f.message, f.retryAfterSec === undefined ? {} : { retryAfterSec: f.retryAfterSec });
    }
    if (await store.setIfAbsent(lockKey, '1', LOCK_TTL_MS)) {
      try {
        const result = await work();
        await store.set(answerKey, JSON.stringify(result), ANSWER_TTL_MS);
        return result;
      } catch (error) {
        await store.set(failureKey, JSON.stringify(toFailure(error)), FAILURE_TTL_MS);
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
