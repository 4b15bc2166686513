import { IDEMPOTENCY_HEADER, SUBMIT_FIELDS, type Category, type SubmitResponse } from '../protocol.ts';
import { ClientError, errorFromBody, isAbortError, networkError } from './errors.ts';
import { isRetryableSubmitStatus, parseRetryAfter, SUBMIT_RETRIES, submitRetryDelay } from './polling.ts';
import { defaultTransport, type Transport } from './transport.ts';
import { sleep } from './wait.ts';

/** The multipart fields of `POST {endpoint}/jobs` (names in SUBMIT_FIELDS). */
export interface SubmitFields {
  /** The processed photo; omit when sending `photoRef`. */
  photo?: Blob;
  /** Handle of a photo sent earlier (from a previous SubmitResponse). */
  photoRef?: string;
  /** Absolute URL of the garment image; or send `product`. */
  garment?: string;
  product?: string;
  category: Category | string;
  /** Version string of the consent text the shopper accepted. */
  consent: string;
  size?: string;
}

export interface SubmitOptions {
  /** One key per attempt (crypto.randomUUID()); network retries inside this call reuse it. */
  idempotencyKey: string;
  signal?: AbortSignal;
  /** Extra attempts after a network error or 502/503/504. Default SUBMIT_RETRIES. */
  retries?: number;
  /** Injectable for tests; when given, the POST goes through it instead of XMLHttpRequest. */
  fetch?: typeof fetch;
  /** Injectable sender (tests); defaults to XMLHttpRequest in a browser, else fetch. */
  transport?: Transport;
  /**
   * Fraction of the photo's request body sent so far (0..1). A retry starts again from 0, since
   * the body is sent again.
   */
  onUploadProgress?: (fraction: number) => void;
  /** Injectable randomness for the backoff jitter. */
  random?: () => number;
  /**
   * A Cloudflare Turnstile token for the endpoint's check, sent as `turnstileToken`. Called before
   * every attempt, retries included: a token is single-use, and an attempt that reached the
   * endpoint may have spent it.
   */
  turnstileToken?: () => Promise<string>;
}

function buildForm(fields: SubmitFields, turnstileToken: string | undefined): FormData {
  const form = new FormData();
  if (fields.photo) form.set(SUBMIT_FIELDS.photo, fields.photo, 'photo.jpg');
  if (fields.photoRef) form.set(SUBMIT_FIELDS.photoRef, fields.photoRef);
  if (fields.garment) form.set(SUBMIT_FIELDS.garment, fields.garment);
  if (fields.product) form.set(SUBMIT_FIELDS.product, fields.product);
  form.set(SUBMIT_FIELDS.category, fields.category);
  form.set(SUBMIT_FIELDS.consent, fields.consent);
  if (fields.size) form.set(SUBMIT_FIELDS.size, fields.size);
  if (turnstileToken) form.set(SUBMIT_FIELDS.turnstileToken, turnstileToken);
  return form;
}

/**
 * Starts a try-on job: `POST {endpoint}/jobs` as multipart with the Idempotency-Key header.
 * Network errors and 502/503/504 are re-sent a bounded number of times with the SAME key, so
 * the endpoint creates (and charges) at most one job for this attempt.
 * @returns the endpoint's 202 answer.
 * @throws ClientError built from the endpoint's error JSON, or `network_error`; rejects with the
 *   signal's reason when aborted.
 */
export async function submitJob(endpoint: string, fields: SubmitFields, options: SubmitOptions): Promise<SubmitResponse> {
  const send = options.transport ?? defaultTransport(options.fetch);
  const random = options.random ?? Math.random;
  const retries = options.retries ?? SUBMIT_RETRIES;
  for (let attempt = 1; ; attempt++) {
    let failure: ClientError;
    try {
      const turnstileToken = await options.turnstileToken?.();
      // A fresh FormData per attempt: a body stream cannot be sent twice.
      const response = await send({
        url: `${endpoint}/jobs`,
        body: buildForm(fields, turnstileToken),
        headers: { [IDEMPOTENCY_HEADER]: options.idempotencyKey },
        signal: options.signal,
        onUploadProgress: options.onUploadProgress,
      });
      const body = response.json;
      if (response.ok) {
        const answer = body as Partial<SubmitResponse> | null;
        if (!answer || typeof answer.job !== 'string') {
          throw new ClientError({
            code: 'internal_error',
            message: 'The try-on service gave an answer the widget does not understand.',
            status: response.status,
          });
        }
        return answer as SubmitResponse;
      }
      failure = errorFromBody(response.status, body, parseRetryAfter(response.header('Retry-After'), Date.now()));
    } catch (error) {
      if (options.signal?.aborted || isAbortError(error)) throw options.signal?.reason ?? error;
      if (error instanceof ClientError) throw error;
      failure = networkError(error);
    }
    if (!isRetryableSubmitStatus(failure.status) || attempt > retries) throw failure;
    await sleep(submitRetryDelay(attempt, failure.retryAfterMs, random()), options.signal);
  }
}
