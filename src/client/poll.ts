import type { StatusResponse, SubmitResponse } from '../protocol.ts';
import { ClientError, errorFromBody, isAbortError, networkError } from './errors.ts';
import { DEFAULT_POLL_POLICY, nextPollDelay, parseRetryAfter, type PollOutcome, type PollPolicy } from './polling.ts';
import { documentVisibility, sleep, whenVisible, type Visibility } from './wait.ts';

export interface PollOptions {
  /** Aborting stops the loop at once (the shopper closed the panel). */
  signal?: AbortSignal;
  /** Called with every status answer, including the final one. */
  onStatus?: (status: StatusResponse) => void;
  /** Delay before the first poll; defaults to the submit answer's pollAfterMs. */
  initialDelayMs?: number;
  /** Give up (provider_timeout) when the job has not finished after this long. Default 5 min. */
  maxWaitMs?: number;
  policy?: PollPolicy;
  /** Injectable for tests; defaults to globalThis.fetch. */
  fetch?: typeof fetch;
  /** Injectable for tests; defaults to the document's visibility. */
  visibility?: Visibility;
  random?: () => number;
}

/**
 * Polls `GET {endpoint}/jobs/{job}` until the job completes or fails, pacing itself by the
 * server's pollAfterMs, honouring Retry-After on 429/503, backing off with full jitter on network
 * and 5xx errors, and pausing while the page is hidden.
 * @returns the final StatusResponse (`completed` or `failed`).
 * @throws ClientError when the endpoint refuses the job token, errors persist, or the job takes
 *   longer than maxWaitMs; rejects with the signal's reason when aborted.
 */
export async function pollJob(
  endpoint: string,
  job: Pick<SubmitResponse, 'job' | 'pollAfterMs'>,
  options: PollOptions = {},
): Promise<StatusResponse> {
  const { signal, onStatus } = options;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const visibility = options.visibility ?? documentVisibility();
  const random = options.random ?? Math.random;
  const policy = options.policy ?? DEFAULT_POLL_POLICY;
  const deadline = Date.now() + (options.maxWaitMs ?? 5 * 60_000);
  const url = `${endpoint}/jobs/${encodeURIComponent(job.job)}`;
  let decision = nextPollDelay({ kind: 'status', pollAfterMs: options.initialDelayMs ?? job.pollAfterMs }, random(), policy);
  let consecutiveErrors = 0;
  let lastError: ClientError | undefined;

  for (;;) {
    if (decision.giveUp) throw lastError ?? networkError();
    await whenVisible(visibility, signal);
    await sleep(decision.delayMs, signal);
    // The tab may have been hidden during the wait: hold the request until the shopper is back.
    await whenVisible(visibility, signal);
    if (Date.now() > deadline) {
      throw new ClientError({
        code: 'provider_timeout',
        message: 'The try-on is taking much longer than usual. Please try again later.',
      });
    }

    let outcome: PollOutcome;
    try {
      const response = await doFetch(url, { signal: signal ?? null, credentials: 'same-origin', cache: 'no-store' });
      let body: unknown = null;
      try {
        body = await response.json();
      } catch {
        body = null;
      }
      if (response.ok && body && typeof (body as StatusResponse).status === 'string') {
        const status = body as StatusResponse;
        consecutiveErrors = 0;
        onStatus?.(status);
        if (status.status === 'completed' || status.status === 'failed') return status;
        outcome = { kind: 'status', ...(status.pollAfterMs !== undefined && { pollAfterMs: status.pollAfterMs }) };
      } else {
        const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), Date.now());
        lastError = response.ok
          ? new ClientError({
              code: 'internal_error',
              message: 'The try-on service gave an answer the widget does not understand.',
              status: response.status,
            })
          : errorFromBody(response.status, body, retryAfterMs);
        if (response.ok) {
          outcome = { kind: 'error', consecutiveErrors: ++consecutiveErrors };
        } else if (response.status === 429 || response.status === 503) {
          outcome = { kind: 'throttled', consecutiveErrors: ++consecutiveErrors, ...(retryAfterMs !== undefined && { retryAfterMs }) };
        } else if (response.status >= 500 || response.status === 408) {
          outcome = { kind: 'error', consecutiveErrors: ++consecutiveErrors };
        } else {
          // 4xx: the token is bad or expired; polling again cannot help.
          throw lastError;
        }
      }
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw signal?.reason ?? error;
      if (error instanceof ClientError) throw error;
      lastError = networkError(error);
      outcome = { kind: 'error', consecutiveErrors: ++consecutiveErrors };
    }
    decision = nextPollDelay(outcome, random(), policy);
  }
}
