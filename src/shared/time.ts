/**
 * Time helpers shared by the widget's client and the endpoint, one implementation each: reading a
 * Retry-After header, and waiting that can be cancelled.
 */

/**
 * Retry-After (delta-seconds or an HTTP date, RFC 9110) in milliseconds from `nowMs`; undefined for
 * a missing or unreadable value, never negative. The caller passes its clock, so tests never depend
 * on the wall clock.
 */
export function retryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // HTTP dates always spell a month; without this, Date.parse reads "-5" as a year.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** The same in whole seconds (rounded up), as the endpoint's own Retry-After answers carry it. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const ms = retryAfterMs(value, nowMs);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
