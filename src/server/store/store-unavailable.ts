import { ApiError } from '../http/api-error.ts';

/** Seconds a client should wait when shared state is unreachable: long enough for a Redis restart. */
export const STORE_RETRY_AFTER_SEC = 5;

// What a backend's message may carry that a log must not: store keys (photo handles, file ids,
// job ids are long url-safe runs) and addresses (a log is not the place for the network's layout).
const LONG_ID = /[A-Za-z0-9_-]{20,}/g;
const ADDRESS = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|\[[0-9a-f:]+\](?::\d+)?/gi;

/**
 * Why a store operation failed, safe to log: the error's name, its code (ECONNREFUSED, a TLS
 * verification code) and the backend's own words (`OOM command not allowed...`, `NOAUTH...`,
 * `CLUSTERDOWN...`), with anything shaped like a key, an id or an address blanked. Never the
 * command's arguments, so never a key's value or a photo.
 */
export function describeStoreCause(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error.slice(0, 200) : 'unknown error';
  const code = (error as { code?: unknown }).code;
  const message = error.message.replace(LONG_ID, '[id]').replace(ADDRESS, '[address]').slice(0, 200);
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${message}`;
}

/**
 * The store's backend (Redis, a Durable Object) could not be reached or refused the operation. An
 * ApiError, so the handler answers 503 with Retry-After like any other refusal; `detail` (why,
 * safe to log) goes to the log, never to the response.
 */
export class StoreUnavailableError extends ApiError {
  readonly detail: string | undefined;

  constructor(cause?: unknown, detail?: string) {
    super(503, 'service_unavailable', 'Try-on is briefly unavailable. Please try again in a few seconds.', {
      retryAfterSec: STORE_RETRY_AFTER_SEC,
    });
    this.name = 'StoreUnavailableError';
    if (cause !== undefined) this.cause = cause;
    this.detail = detail ?? (cause === undefined ? undefined : describeStoreCause(cause));
  }
}
