import type { ErrorCode } from '../../protocol.ts';
import type { QueuePlace } from './budget.ts';

/**
 * Why a provider call failed, told apart by whose problem it is:
 * - the merchant's (`auth`: bad key, no credits or plan),
 * - the provider's (`busy`, `unavailable`, `timeout`, `bad_response`),
 * - the shopper's (`rejected`: the provider refused this photo or garment before charging),
 * - ours (`bad_webhook`: a callback we could not verify; `not_found`: job unknown there);
 * - nobody's (`deferred`: the account's budget had no room, so nothing was sent; try later).
 */
export type ProviderErrorKind =
  'auth' | 'busy' | 'unavailable' | 'timeout' | 'bad_response' | 'rejected' | 'not_found' | 'bad_webhook' | 'deferred';

export interface ProviderErrorInit {
  /** Seconds the provider asked us to wait (from Retry-After), for `busy`. */
  retryAfterSec?: number;
  /** HTTP status the provider answered, when there was one (never shown to shoppers). */
  providerStatus?: number;
  /** For `rejected`: our code and the shopper-facing message and details. */
  code?: ErrorCode;
  details?: string[];
  /** For `deferred` paid work: the job's place in the account's line. */
  place?: QueuePlace;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly retryAfterSec: number | undefined;
  readonly providerStatus: number | undefined;
  readonly code: ErrorCode | undefined;
  readonly details: string[] | undefined;
  readonly place: QueuePlace | undefined;

  constructor(kind: ProviderErrorKind, message: string, init: ProviderErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.retryAfterSec = init.retryAfterSec;
    this.providerStatus = init.providerStatus;
    this.code = init.code;
    this.details = init.details;
    this.place = init.place;
  }
}

/** HTTP status and error code the endpoint answers the widget with, per kind. */
export function describeProviderError(error: ProviderError): {
  status: number;
  code: ErrorCode;
  message: string;
} {
  switch (error.kind) {
    case 'auth':
      return {
        status: 502,
        code: 'provider_auth',
        message:
          "The try-on service refused this store's credentials. The store owner needs to check the API key and credits; please try again later.",
      };
    case 'busy':
    // Deferred work normally waits in line; only a caller that cannot wait answers with it.
    case 'deferred':
      return {
        status: 503,
        code: 'provider_busy',
        message: 'The try-on service is busy right now. Please try again in a moment.',
      };
    case 'timeout':
      return {
        status: 504,
        code: 'provider_timeout',
        message: 'The try-on service took too long to answer. Please try again.',
      };
    case 'rejected':
      return { status: 422, code: error.code ?? 'photo_rejected', message: error.message };
    case 'not_found':
      return {
        status: 404,
        code: 'job_expired',
        message: 'This try-on is no longer available. Please start a new one.',
      };
    case 'bad_webhook':
      return { status: 401, code: 'bad_request', message: 'The callback could not be verified.' };
    case 'unavailable':
      return {
        status: 502,
        code: 'provider_unavailable',
        message: 'The try-on service is unavailable right now. Please try again later.',
      };
    case 'bad_response':
      return {
        status: 502,
        code: 'provider_error',
        message: 'The try-on service sent an answer we could not read. Please try again later.',
      };
  }
}
