import { ApiError } from '../http/api-error.ts';

/** Seconds a client should wait when shared state is unreachable: long enough for a Redis restart. */
export const STORE_RETRY_AFTER_SEC = 5;

/**
 * The store's backend (Redis) could not be reached. An ApiError, so the handler answers 503 with
 * Retry-After like any other refusal; the cause stays in logs, never in the response.
 */
export class StoreUnavailableError extends ApiError {
  constructor(cause?: unknown) {
    super(503, 'service_unavailable', 'Try-on is briefly unavailable. Please try again in a few seconds.', {
      retryAfterSec: STORE_RETRY_AFTER_SEC,
    });
    this.name = 'StoreUnavailableError';
    if (cause !== undefined) this.cause = cause;
  }
}
