/**
 * `Idempotency-Key`: a retried submit gets the first answer back and the provider is charged once,
 * also when the retry reaches another endpoint instance at the same moment.
 *
 * One record per (tenant, provider, key). The first request claims it atomically (SET NX) with a
 * pending record naming itself, does the paid work, then replaces its own record with the answer
 * (or, briefly, the failure). Identical requests meanwhile find the pending record and wait for it
 * to turn into an answer; a request with the same key but another try-on is refused at once. The
 * owner renews its pending record while it works (lease.ts), so a slow provider never lets a
 * second caller start a second paid job; the record expires if its instance dies, and only its
 * owner may replace it (compare-and-set), so an owner that lost its claim never overwrites
 * whoever took the key over.
 */
import type { Store } from '../store/store.ts';
import { ApiError } from '../http/api-error.ts';
import { sleep } from '../../shared/time.ts';
import { keepAlive } from '../store/lease.ts';

const ANSWER_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a claim lasts without a renewal: its owner renews it every third of this while the
 * submit runs, however long that takes; a dead owner's key is free again after it.
 */
export const PENDING_TTL_MS = 30_000;
/** A failure is shared with requests already waiting, then forgotten so a later retry tries again. */
const FAILURE_TTL_MS = 10_000;
/** Waiters give up (503, retry later) after this; the owner is still working then, or dead. */
const WAIT_LIMIT_MS = 60_000;
/** Waiters look again after 25 ms, then back off to once a second: a submit takes a second or more. */
const WAIT_FIRST_MS = 25;
const WAIT_MAX_MS = 1000;

/** The key if it is usable: 1–255 visible ASCII characters (a UUID is typical). */
export function checkIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new ApiError(
      400,
      'idempotency_key_invalid',
      'The Idempotency-Key header must be 1 to 255 visible ASCII characters, such as a UUID.',
    );
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
  new ApiError(
    422,
    'idempotency_key_invalid',
    'This Idempotency-Key was already used for a different try-on. Use a new key for each new try-on.',
  );

type IdempotencyRecord<T> =
  | { state: 'pending'; owner: string; print: string }
  | { state: 'done'; print: string; value: T }
  | { state: 'failed'; print: string; failure: StoredFailure };

/** Whose key it is: a tenant's key never answers another tenant (a shop, a storefront origin, `self`). */
export interface IdempotencyScope {
  /** The request's scope, e.g. `shop:x.myshopify.com`, `origin:https://shop.example` or `self`. */
  scope: string;
  provider: string;
  /** The client's Idempotency-Key (checked by checkIdempotencyKey). */
  key: string;
}

/**
 * The store key. The client's key comes last and the scope never contains `:{provider}:`, so two
 * tenants' keys can never collide however the client spells its key.
 */
export const idempotencyRecordKey = ({ scope, provider, key }: IdempotencyScope) => `idem:${scope}:${provider}:${key}`;

/**
 * Runs `work` once per key; every other call with the key and the same fingerprint gets the same
 * answer (or error); a different fingerprint is refused.
 */
export async function once<T>(
  store: Store,
  scope: IdempotencyScope,
  print: string,
  work: () => Promise<T>,
  toFailure: (error: unknown) => StoredFailure,
  /** The handler's clock, for the bounded wait. */
  now: () => number = Date.now,
): Promise<T> {
  const key = idempotencyRecordKey(scope);
  const claim = JSON.stringify({ state: 'pending', owner: crypto.randomUUID(), print } satisfies IdempotencyRecord<T>);
  const started = now();
  let delay = WAIT_FIRST_MS;
  for (;;) {
    if (await store.setIfAbsent(key, claim, PENDING_TTL_MS)) return runAsOwner(store, key, claim, print, work, toFailure);
    const raw = await store.get(key);
    // Undefined: gone between the two calls (a shared failure or a dead owner's claim expired); claim it on the next turn.
    if (raw !== undefined) {
      const record = JSON.parse(raw) as IdempotencyRecord<T>;
      if (record.print !== print) throw reused();
      if (record.state === 'done') return record.value;
      if (record.state === 'failed') {
        const f = record.failure;
        throw new ApiError(f.status, f.code, f.message, f.retryAfterSec === undefined ? {} : { retryAfterSec: f.retryAfterSec });
      }
    }
    if (now() - started + delay > WAIT_LIMIT_MS) {
      throw new ApiError(503, 'provider_busy', 'This try-on is still being started. Please try again in a moment.', { retryAfterSec: 2 });
    }
    await sleep(delay);
    delay = Math.min(delay * 2, WAIT_MAX_MS);
  }
}

async function runAsOwner<T>(
  store: Store,
  key: string,
  claim: string,
  print: string,
  work: () => Promise<T>,
  toFailure: (error: unknown) => StoredFailure,
): Promise<T> {
  let result: T;
  const stop = keepAlive(store, key, claim, PENDING_TTL_MS);
  try {
    result = await work();
  } catch (error) {
    stop();
    const failed: IdempotencyRecord<T> = { state: 'failed', print, failure: toFailure(error) };
    // Only over our own claim; if the store is down the claim simply expires. The caller gets the real error.
    await store.setIfEquals(key, claim, JSON.stringify(failed), FAILURE_TTL_MS).catch(() => undefined);
    throw error;
  }
  stop();
  const done = JSON.stringify({ state: 'done', print, value: result } satisfies IdempotencyRecord<T>);
  // The job exists and is paid for: its answer goes to this caller even if it cannot be remembered.
  // If our claim expired meanwhile, the answer is kept only when nobody has taken the key since.
  try {
    if (!(await store.setIfEquals(key, claim, done, ANSWER_TTL_MS))) await store.setIfAbsent(key, done, ANSWER_TTL_MS);
  } catch {
    // Store unreachable: retries wait for the claim to expire, then start again.
  }
  return result;
}
