import type { ErrorCode, ErrorResponse } from '../../protocol.ts';

/**
 * An error the endpoint answers the widget with: an HTTP status, a stable code and a sentence
 * a person can act on. Thrown anywhere in request handling; the handler turns it into JSON.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly retryAfterSec: number | undefined;
  readonly details: string[] | undefined;
  /** What the refusal's log line names besides its code (the refused host, product or category); never a secret. */
  readonly logged: Record<string, string> | undefined;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    init: { retryAfterSec?: number; details?: string[]; logged?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSec = init.retryAfterSec;
    this.details = init.details;
    this.logged = init.logged;
  }
}

/** The protocol's error JSON, with Retry-After when the client should wait. */
export function errorResponse(
  status: number,
  code: ErrorCode,
  message: string,
  init: { retryAfterSec?: number; details?: string[]; headers?: Record<string, string> } = {},
): Response {
  const body: ErrorResponse = { error: { code, message, ...(init.details ? { details: init.details } : {}) } };
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...init.headers,
  };
  // The protocol promises Retry-After on every 429 and 503, so a missing hint becomes a safe default.
  const retry = init.retryAfterSec ?? (status === 429 || status === 503 ? 2 : undefined);
  if (retry !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retry)));
  return new Response(JSON.stringify(body), { status, headers });
}
