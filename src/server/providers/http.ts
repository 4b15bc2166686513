/**
 * The one way adapters call their provider: timeouts, Retry-After, bounded retries and the
 * mapping of HTTP failures to ProviderError live here, so every adapter behaves alike.
 *
 * Never-charge-twice rule: a request that may start paid work (`retry: 'never'`) is repeated
 * only after a 429 (the provider did not accept it). Status polls and other reads
 * (`retry: 'safe'`) are also repeated after 5xx, network errors and timeouts.
 */
import type { ProviderContext } from './types.ts';
import type { RouteClass } from './budget.ts';
import { ProviderError } from './errors.ts';
import { parseRetryAfter, sleep } from '../../shared/time.ts';

export interface RetryPolicy {
  /** Attempts after the first, for 5xx / network errors on safe requests. */
  retries: number;
  /** Attempts after the first on 429. */
  busyRetries: number;
  /** The longest total time we will wait on Retry-After before giving up with `busy`. */
  busyBudgetMs: number;
  /** First backoff delay; doubles each attempt, with full jitter. */
  backoffMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 2,
  busyRetries: 2,
  busyBudgetMs: 6000,
  backoffMs: 300,
  timeoutMs: 30_000,
};

export interface ProviderRequestInit extends Omit<RequestInit, 'signal'> {
  retry: 'safe' | 'never';
  /**
   * True when this request reads one job (its status): only then does a 404 mean the job is
   * gone (`not_found`, answered as `job_expired`). A 404 anywhere else means the route or a
   * resource we named does not exist there (a wrong base URL, an id the provider dropped).
   */
  jobRead?: boolean;
  /**
   * The provider's route class of this call (its document's read / write / generate): the call
   * takes the account's budget first and is not sent when there is no room (`deferred`), and a
   * 429 pauses the class for every job of the account.
   */
  routeClass?: RouteClass;
  /** Also takes one of the account's concurrent generations (held under the ticket's id). */
  slot?: boolean;
  /** Statuses (4xx) the adapter reads itself instead of having them thrown. */
  accept?: number[];
  policy?: Partial<RetryPolicy>;
}

const backoff = (attempt: number, base: number) => Math.random() * base * 2 ** attempt;

/** Calls `{ctx.baseUrl}{path}`; resolves with a 2xx (or `accept`ed) Response, else throws ProviderError. */
export async function providerFetch(ctx: ProviderContext, path: string, init: ProviderRequestInit): Promise<Response> {
  const policy = { ...defaultRetryPolicy, ...init.policy };
  const url = /^https?:\/\//.test(path) ? path : `${ctx.baseUrl}${path}`;
  const { retry, accept = [], policy: _policy, jobRead = false, routeClass, slot = false, ...requestInit } = init;
  const budget = routeClass ? ctx.budget : undefined;
  let failures = 0;
  let busyTries = 0;
  let busyWaitedMs = 0;

  for (;;) {
    if (budget) {
      const grant = await budget.tryTake(routeClass!, routeClass === 'generate' ? ctx.ticket : undefined, slot);
      if (!grant.ok) {
        throw new ProviderError('deferred', `No room in the account's ${routeClass} budget now; nothing was sent.`, {
          retryAfterSec: Math.max(1, Math.ceil(grant.waitMs / 1000)),
          ...(grant.place ? { place: grant.place } : {}),
        });
      }
    }
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await ctx.fetch(url, { ...requestInit, signal });
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      const timedOut = timeout.aborted;
      // A submit that timed out may have been accepted: never send it again.
      if (retry === 'safe' && failures < policy.retries) {
        await sleep(backoff(failures++, policy.backoffMs), ctx.signal);
        continue;
      }
      throw timedOut
        ? new ProviderError('timeout', 'The provider did not answer in time.', { cause: error })
        : new ProviderError('unavailable', 'The provider could not be reached.', { cause: error });
    }

    if (response.ok || accept.includes(response.status)) return response;
    const status = response.status;
    // Drain the body so the connection can be reused; its text never reaches the widget.
    await response.body?.cancel().catch(() => {});

    // The documents' statuses, each to one kind (errors.ts turns kinds into our codes):
    // 401 bad key, 402 no credits, 403 plan or access: the merchant's to fix.
    if (status === 401 || status === 402 || status === 403) {
      const why = status === 402 ? 'has no credits left for' : 'refused';
      throw new ProviderError('auth', `The provider ${why} the API key (HTTP ${status}).`, { providerStatus: status });
    }
    if (status === 429 && budget) {
      // Shared budget: the whole class waits out the Retry-After, for every job of the account,
      // and this call was not accepted, so its job simply stays in line.
      const retryAfterSec = parseRetryAfter(response.headers.get('retry-after'), ctx.now()) ?? 5;
      await budget.pause(routeClass!, ctx.now() + retryAfterSec * 1000);
      if (slot && ctx.ticket) await budget.releaseSlot(ctx.ticket.id);
      // The refused call takes its place in line again (at its job's submit time), for its place.
      const again = await budget.tryTake(routeClass!, routeClass === 'generate' ? ctx.ticket : undefined, slot);
      const place = again.ok ? undefined : again.place;
      throw new ProviderError('deferred', 'The provider is rate limiting this account; nothing was accepted.', {
        providerStatus: status,
        retryAfterSec: Math.max(1, retryAfterSec),
        ...(place ? { place } : {}),
      });
    }
    if (status === 429) {
      const retryAfterSec = parseRetryAfter(response.headers.get('retry-after'), ctx.now());
      const waitMs = retryAfterSec !== undefined ? retryAfterSec * 1000 : backoff(busyTries, policy.backoffMs * 2);
      if (busyTries < policy.busyRetries && busyWaitedMs + waitMs <= policy.busyBudgetMs) {
        busyTries++;
        busyWaitedMs += waitMs;
        await sleep(waitMs, ctx.signal);
        continue;
      }
      throw new ProviderError('busy', 'The provider is rate limiting us.', {
        providerStatus: status,
        retryAfterSec: Math.max(1, retryAfterSec ?? Math.ceil(policy.busyBudgetMs / 1000)),
      });
    }
    if (status === 404) {
      if (jobRead) throw new ProviderError('not_found', 'The provider does not know this job.', { providerStatus: status });
      throw new ProviderError(
        'bad_response',
        `The provider has nothing at ${new URL(url).pathname} (HTTP 404): check its base URL setting.`,
        {
          providerStatus: status,
        },
      );
    }
    if (status >= 500) {
      if (retry === 'safe' && failures < policy.retries) {
        await sleep(backoff(failures++, policy.backoffMs), ctx.signal);
        continue;
      }
      throw new ProviderError('unavailable', `The provider failed with HTTP ${status}.`, { providerStatus: status });
    }
    throw new ProviderError('bad_response', `The provider refused the request with HTTP ${status}.`, {
      providerStatus: status,
    });
  }
}

/** Reads a JSON body; a body that is not JSON (an HTML error page, a truncated answer) is `bad_response`. */
export async function readJson<T = unknown>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new ProviderError('bad_response', 'The provider answered with malformed JSON.', {
      providerStatus: response.status,
      cause,
    });
  }
}

/** Convenience: providerFetch + readJson. */
export async function providerJson<T = unknown>(ctx: ProviderContext, path: string, init: ProviderRequestInit): Promise<T> {
  return readJson<T>(await providerFetch(ctx, path, init));
}
