import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pollJob } from '../../src/client/poll.ts';
import { ClientError } from '../../src/client/errors.ts';
import { DEFAULT_POLL_POLICY } from '../../src/client/polling.ts';
import type { StatusResponse } from '../../src/protocol.ts';
import { fakeVisibility, scriptedFetch } from './fake-endpoint.ts';

const endpoint = 'https://shop.example/api/try-on';
const job = { job: 'tok.en/with+chars', pollAfterMs: 2000 };

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts the loop and keeps its rejection observed so fake-timer advances don't trip on it. */
function start(promise: Promise<StatusResponse>) {
  const settled = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return settled;
}

describe('pollJob', () => {
  it("waits the server's pollAfterMs between polls and resolves with the final status", async () => {
    const { fetch, calls } = scriptedFetch([
      { json: { status: 'queued', pollAfterMs: 3000 } },
      { json: { status: 'processing', pollAfterMs: 2500 } },
      { json: { status: 'completed', images: ['https://shop.example/r.png'] } },
    ]);
    const seen: string[] = [];
    const result = start(pollJob(endpoint, job, { fetch, visibility: fakeVisibility(), onStatus: (s) => seen.push(s.status) }));
    await vi.advanceTimersByTimeAsync(20_000);
    const outcome = await result;
    expect(outcome).toEqual({ ok: true, value: { status: 'completed', images: ['https://shop.example/r.png'] } });
    expect(calls.map((c) => c.at)).toEqual([2000, 5000, 7500]);
    expect(calls[0]!.url).toBe(`${endpoint}/jobs/${encodeURIComponent(job.job)}`);
    expect(seen).toEqual(['queued', 'processing', 'completed']);
  });

  it('resolves (does not throw) with a failed status so the caller can show its error', async () => {
    const { fetch } = scriptedFetch([{ json: { status: 'failed', error: { code: 'pose_unsupported', message: 'Stand straight.' } } }]);
    const result = start(pollJob(endpoint, job, { fetch, visibility: fakeVisibility() }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(await result).toEqual({
      ok: true,
      value: { status: 'failed', error: { code: 'pose_unsupported', message: 'Stand straight.' } },
    });
  });

  it('honours Retry-After on 429 and 503', async () => {
    const { fetch, calls } = scriptedFetch([
      { json: { error: { code: 'rate_limited', message: 'Slow down.' } }, status: 429, headers: { 'Retry-After': '5' } },
      { json: { error: { code: 'provider_unavailable', message: 'Later.' } }, status: 503, headers: { 'Retry-After': '3' } },
      { json: { status: 'completed', images: ['x'] } },
    ]);
    const result = start(pollJob(endpoint, job, { fetch, visibility: fakeVisibility() }));
    await vi.advanceTimersByTimeAsync(20_000);
    expect((await result).ok).toBe(true);
    expect(calls.map((c) => c.at)).toEqual([2000, 7000, 10_000]);
  });

  it('backs off with full jitter on network and 5xx errors, and resets after a good answer', async () => {
    const { fetch, calls } = scriptedFetch([
      { networkError: true },
      { text: '<html>Bad gateway</html>', status: 502 },
      { json: { status: 'processing', pollAfterMs: 2000 } },
      { networkError: true },
      { json: { status: 'completed', images: ['x'] } },
    ]);
    const result = start(pollJob(endpoint, job, { fetch, visibility: fakeVisibility(), random: () => 0.75 }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await result).ok).toBe(true);
    // error 1: 0.75 × 1000; error 2: 0.75 × 2000; then pollAfterMs; error 1 again: 0.75 × 1000.
    expect(calls.map((c) => c.at)).toEqual([2000, 2750, 4250, 6250, 7000]);
  });

  it('gives up with network_error after too many consecutive failures', async () => {
    const failures = Array.from({ length: DEFAULT_POLL_POLICY.maxConsecutiveErrors + 5 }, () => ({ networkError: true as const }));
    const { fetch, calls } = scriptedFetch(failures);
    const result = start(pollJob(endpoint, job, { fetch, visibility: fakeVisibility(), random: () => 0.5 }));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const outcome = await result;
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: ClientError }).error).toBeInstanceOf(ClientError);
    expect((outcome as { error: ClientError }).error.code).toBe('network_error');
    expect(calls).toHaveLength(DEFAULT_POLL_POLICY.maxConsecutiveErrors + 1);
  });

  it('stops at once on a refused token (4xx), carrying the endpoint code', async () => {
    const { fetch, calls } = scriptedFetch([{ json: { error: { code: 'job_token_invalid', message: 'Start again.' } }, status: 401 }]);
    const result = start(pollJob(endpoint, job, { fetch, visibility: fakeVisibility() }));
    await vi.advanceTimersByTimeAsync(60_000);
    const outcome = await result;
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: ClientError }).error).toMatchObject({ code: 'job_token_invalid', status: 401, message: 'Start again.' });
    expect(calls).toHaveLength(1);
  });

  it('does not poll while the page is hidden and resumes when it is shown', async () => {
    const visibility = fakeVisibility(true);
    const { fetch, calls } = scriptedFetch([
      { json: { status: 'processing', pollAfterMs: 2000 } },
      { json: { status: 'completed', images: ['x'] } },
    ]);
    const result = start(pollJob(endpoint, job, { fetch, visibility }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(0);
    visibility.set(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.map((c) => c.at)).toEqual([62_000]);
    // Hidden during the next wait: the poll due at 64 000 is held until the page is back at 92 000.
    visibility.set(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(1);
    visibility.set(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.at)).toEqual([62_000, 92_000]);
    expect((await result).ok).toBe(true);
    expect(visibility.listenerCount).toBe(0);
  });

  it('stops immediately when aborted, with the abort reason, and polls no more', async () => {
    const controller = new AbortController();
    const { fetch, calls } = scriptedFetch([{ json: { status: 'processing', pollAfterMs: 2000 } }, { json: { status: 'processing' } }]);
    const visibility = fakeVisibility();
    const result = start(pollJob(endpoint, job, { fetch, visibility, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(3000);
    expect(calls).toHaveLength(1);
    controller.abort(new DOMException('closed', 'AbortError'));
    const outcome = await result;
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: DOMException }).error.name).toBe('AbortError');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up with provider_timeout when the job runs past maxWaitMs', async () => {
    const { fetch } = scriptedFetch(Array.from({ length: 20 }, () => ({ json: { status: 'processing', pollAfterMs: 2000 } })));
    const result = start(pollJob(endpoint, job, { fetch, visibility: fakeVisibility(), maxWaitMs: 9000 }));
    await vi.advanceTimersByTimeAsync(60_000);
    const outcome = await result;
    expect((outcome as { error: ClientError }).error.code).toBe('provider_timeout');
  });
});
