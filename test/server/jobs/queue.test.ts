/**
 * Work beyond the account's budget waits in a fair line instead of failing (issue 13, part 1):
 * the submit answers at once with `queue: { position, etaSec }`, its polls carry the place, the
 * submit is sent when its turn comes (once), a cancel leaves the line, and only a wait longer
 * than the merchant's limit is `provider_busy`. A 429 pauses the account for every job.
 */
import { describe, expect, it } from 'vitest';
import type { JobState, ProviderAdapter, ProviderContext, SubmitInput } from '../../../src/server/providers/types.ts';
import { providerFetch } from '../../../src/server/providers/http.ts';
import { setup, submitRequest, get, errorOf } from '../helpers.ts';

/** A one-call provider whose submit is a paid `generate` call, with a budget of one a minute. */
class OneCallAdapter implements ProviderAdapter {
  readonly name = 'counting';
  readonly defaultBaseUrl = 'https://provider.invalid';
  pollIntervalMs = 2000;
  readonly categories = { top: 'upper_body' } as const;
  readonly limits = { generate: 1 };
  runs: SubmitInput[] = [];
  async submit(input: SubmitInput, ctx: ProviderContext) {
    await (await providerFetch(ctx, '/run', { method: 'POST', retry: 'never', routeClass: 'generate' })).body?.cancel();
    this.runs.push(input);
    return { jobId: `run-${this.runs.length}`, state: { status: 'queued' } as JobState };
  }
  async status(): Promise<JobState> {
    return { status: 'processing' };
  }
}

function scene(answer: () => Response = () => new Response('{}'), options: Parameters<typeof setup>[0] = {}) {
  const calls: string[] = [];
  const adapter = new OneCallAdapter();
  const s = setup(
    {
      fetch: (async (input: RequestInfo | URL) => {
        calls.push(String(input));
        return answer();
      }) as typeof fetch,
      ...options,
    },
    adapter as never,
  );
  return { ...s, adapter, calls };
}

const json = async (response: Response) =>
  (await response.json()) as { job: string; status: string; queue?: { position: number; etaSec: number } };

describe('the account line', () => {
  it('answers a submit over budget at once with its place, sends it when its turn comes, once', async () => {
    const s = scene();
    const first = await json(await s.handler(submitRequest()));
    expect(first.queue).toBeUndefined();
    const second = await s.handler(submitRequest());
    expect(second.status).toBe(202);
    const waiting = await json(second);
    expect(waiting).toMatchObject({ status: 'queued', queue: { position: 1 } });
    expect(waiting.queue!.etaSec).toBeGreaterThan(50);
    expect(s.calls).toHaveLength(1);

    s.clock.advance(10_000);
    const polled = (await (await s.handler(get(`/jobs/${waiting.job}`))).json()) as { status: string; queue?: { position: number } };
    expect(polled).toMatchObject({ status: 'queued', queue: { position: 1 } });
    expect(s.calls).toHaveLength(1);

    s.clock.advance(52_000);
    const started = (await (await s.handler(get(`/jobs/${waiting.job}`))).json()) as { status: string; queue?: unknown };
    expect(started.status).toBe('queued');
    expect(started.queue).toBeUndefined();
    expect(s.calls).toHaveLength(2);
    // Later polls read the provider's job; the queued submit is never sent again.
    for (let i = 0; i < 3; i++) {
      s.clock.advance(3000);
      expect(((await (await s.handler(get(`/jobs/${waiting.job}`))).json()) as { status: string }).status).toBe('processing');
    }
    expect(s.adapter.runs).toHaveLength(2);
  });

  it('keeps the order of submits: a later job is not sent before an earlier one', async () => {
    const s = scene();
    await s.handler(submitRequest());
    const b = await json(await s.handler(submitRequest()));
    s.clock.advance(1000);
    const c = await json(await s.handler(submitRequest()));
    expect(b.queue?.position).toBe(1);
    expect(c.queue?.position).toBe(2);
    // Waiting widgets poll; their places are kept while they do.
    for (let t = 0; t < 3; t++) {
      s.clock.advance(19_000);
      await s.handler(get(`/jobs/${c.job}`));
      await s.handler(get(`/jobs/${b.job}`));
    }
    expect(s.calls).toHaveLength(1);
    s.clock.advance(3_500);
    // c polls first once a call is free: it stays in line behind b.
    expect(((await (await s.handler(get(`/jobs/${c.job}`))).json()) as { queue?: { position: number } }).queue?.position).toBe(2);
    expect(s.calls).toHaveLength(1);
    expect(((await (await s.handler(get(`/jobs/${b.job}`))).json()) as { queue?: unknown }).queue).toBeUndefined();
    expect(s.calls).toHaveLength(2);
  });

  it('a cancelled job gives its place up', async () => {
    const s = scene();
    await s.handler(submitRequest());
    const b = await json(await s.handler(submitRequest()));
    s.clock.advance(1000);
    const c = await json(await s.handler(submitRequest()));
    expect(c.queue?.position).toBe(2);
    expect((await s.handler(new Request(`http://localhost:5173/api/try-on/jobs/${b.job}`, { method: 'DELETE' }))).status).toBe(204);
    s.clock.advance(2500);
    expect(((await (await s.handler(get(`/jobs/${c.job}`))).json()) as { queue?: { position: number } }).queue?.position).toBe(1);
  });

  it('a wait longer than the merchant accepts is 503 provider_busy, and nothing is sent', async () => {
    const s = scene(undefined, { queueMaxWaitSec: 30 });
    await s.handler(submitRequest());
    const refused = await s.handler(submitRequest());
    expect(await errorOf(refused)).toMatchObject({ status: 503, code: 'provider_busy' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(30);
    expect(s.calls).toHaveLength(1);
  });

  it('a 429 pauses the account for every job: later submits wait in line without calling the provider', async () => {
    const s = scene(() => new Response('{"error":"slow down"}', { status: 429, headers: { 'retry-after': '20' } }), {});
    const a = await s.handler(submitRequest());
    expect(a.status).toBe(202);
    expect((await json(a)).status).toBe('queued');
    const b = await json(await s.handler(submitRequest()));
    expect(b.status).toBe('queued');
    expect(s.calls).toHaveLength(1);
  });
});
