/**
 * `DELETE` on the endpoint: forgetting a photo (photo-ref.ts) or a job. One request shape and
 * one reading of the answer for both.
 */
import { errorFromBody, isAbortError, networkError, type ClientError } from './errors.ts';

export interface DeleteOptions {
  signal?: AbortSignal;
  /** Injectable for tests; defaults to globalThis.fetch. */
  fetch?: typeof fetch;
}

/**
 * Sends `DELETE url`. A 2xx, and a 404 (already gone), is done: resolves undefined. Any other
 * answer resolves with the endpoint's refusal, for the caller to judge.
 * @throws ClientError `network_error` when the endpoint could not be reached; the signal's reason when aborted.
 */
export async function sendDelete(url: string, options: DeleteOptions = {}): Promise<ClientError | undefined> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await doFetch(url, { method: 'DELETE', signal: options.signal ?? null, credentials: 'same-origin' });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw networkError(error);
  }
  if (response.ok || response.status === 404) return undefined;
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return errorFromBody(response.status, body);
}

/**
 * `DELETE {endpoint}/jobs/{job}`: a job still waiting in the provider account's line gives its
 * place up at once (the next shopper moves up), and the endpoint forgets what it kept of the job.
 * @throws ClientError when the endpoint could not be reached or refused.
 */
export async function deleteJob(endpoint: string, job: string, options: DeleteOptions = {}): Promise<void> {
  const refused = await sendDelete(`${endpoint}/jobs/${encodeURIComponent(job)}`, options);
  if (refused) throw refused;
}
