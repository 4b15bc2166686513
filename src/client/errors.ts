import { ERROR_CODES, type ErrorBody, type ErrorCode } from '../protocol.ts';

/**
 * An error from talking to the endpoint, carrying the protocol's stable code so the widget can
 * pick its own words, plus what the transport knew (HTTP status, how long the server asked to wait).
 */
export class ClientError extends Error {
  override name = 'ClientError';
  /** Stable snake_case code from src/protocol.ts ERROR_CODES. */
  readonly code: ErrorCode;
  /** HTTP status of the answer; 0 when no answer arrived (network error). */
  readonly status: number;
  /** The server's Retry-After in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /** Extra shopper-facing detail from the endpoint, e.g. a provider's list of photo issues. */
  readonly details: string[] | undefined;

  constructor(init: { code: ErrorCode; message: string; status?: number; retryAfterMs?: number; details?: string[] }) {
    super(init.message);
    this.code = init.code;
    this.status = init.status ?? 0;
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details;
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The code a bare HTTP status stands for when the body carries no usable error JSON. */
function codeForStatus(status: number): ErrorCode {
  if (status === 429) return 'rate_limited';
  if (status === 413) return 'body_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 404) return 'not_found';
  if (status === 502) return 'provider_error';
  if (status === 503) return 'provider_unavailable';
  if (status === 504) return 'provider_timeout';
  if (status >= 500) return 'internal_error';
  return 'bad_request';
}

/**
 * Builds a ClientError from an endpoint's error answer. Tolerates bodies that are not the
 * protocol's JSON (a proxy's HTML error page) by falling back to a code for the status.
 */
export function errorFromBody(status: number, body: unknown, retryAfterMs?: number): ClientError {
  const error = (body as { error?: Partial<ErrorBody> } | null)?.error;
  const code = isErrorCode(error?.code) ? error.code : codeForStatus(status);
  const message =
    typeof error?.message === 'string' && error.message
      ? error.message
      : `The try-on service answered with HTTP ${status}. Please try again in a moment.`;
  const details = Array.isArray(error?.details) ? error.details.filter((d): d is string => typeof d === 'string') : undefined;
  return new ClientError({ code, message, status, ...(retryAfterMs !== undefined && { retryAfterMs }), ...(details && { details }) });
}

/** No answer at all: offline, DNS, CORS refusal, connection reset. */
export function networkError(cause?: unknown): ClientError {
  const error = new ClientError({
    code: 'network_error',
    message: 'Could not reach the try-on service. Check your connection and try again.',
  });
  if (cause !== undefined) (error as { cause?: unknown }).cause = cause;
  return error;
}

/** The security check (Cloudflare Turnstile) could not load: blocked, offline or timed out. */
export function turnstileUnavailable(): ClientError {
  return new ClientError({
    code: 'turnstile_unavailable',
    message: 'The security check could not load. Check your connection and try again.',
  });
}

/** True for the DOMException (or any error) an aborted fetch or wait rejects with. */
export function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}
