/**
 * Fidelity to each provider's document (issue 13, part 2): status words only from the document
 * (an unlisted word reads as running, logged once per job, until the job's deadline), a 404 on
 * submit is not `job_expired`, VirtuFit's `status_url` is where its job is read, and a category
 * a provider cannot dress is refused before any provider call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup, submitRequest, get, errorOf } from '../helpers.ts';
import { UNLISTED_WORD_DEADLINE_MS } from '../../../src/server/jobs/status-cache.ts';
import { providerFetch } from '../../../src/server/providers/http.ts';
import { ProviderError, describeProviderError } from '../../../src/server/providers/errors.ts';
import { acceptedStatusUrl, virtufitAdapter } from '../../../src/server/providers/virtufit.ts';
import { vistoureAdapter } from '../../../src/server/providers/vistoure.ts';
import { startFakeVirtufit, type VirtuFitFake } from '../../fakes/virtufit.ts';
import { startFakeVistoure } from '../../fakes/vistoure.ts';
import type { FakeProvider } from '../../fakes/common.ts';
import { createTestContext, type TestContext } from '../../fakes/context.ts';
import { photoPng } from '../images.ts';

const submitJob = async (s: ReturnType<typeof setup>) => {
  const response = await s.handler(submitRequest());
  expect(response.status).toBe(202);
  return ((await response.json()) as { job: string }).job;
};

describe('an unlisted status word', () => {
  it('reads as running, is logged once per job, and fails the job at its deadline, not on every poll', async () => {
    const s = setup();
    s.adapter.state = { status: 'processing', unknownWord: 'IN_PROGRESS' };
    const job = await submitJob(s);
    for (let i = 0; i < 3; i++) {
      s.clock.advance(5000);
      const body = (await (await s.handler(get(`/jobs/${job}`))).json()) as { status: string; error?: unknown };
      expect(body).toMatchObject({ status: 'processing' });
      expect(body.error).toBeUndefined();
    }
    expect(s.adapter.statusCalls).toBe(3);
    const warned = s.logs.filter((e) => (e as { event?: string }).event === 'unlisted_status_word');
    expect(warned).toEqual([expect.objectContaining({ provider: 'counting', word: 'IN_PROGRESS' })]);

    s.clock.advance(UNLISTED_WORD_DEADLINE_MS);
    const late = (await (await s.handler(get(`/jobs/${job}`))).json()) as { status: string; error?: { code: string } };
    expect(late).toMatchObject({ status: 'failed', error: { code: 'provider_timeout' } });
  });
});

describe('HTTP statuses to our codes', () => {
  const answering = (status: number) =>
    ({
      baseUrl: 'https://provider.invalid',
      apiKey: 'k',
      fetch: (async () => new Response('{}', { status })) as typeof fetch,
      now: () => 0,
    }) as never;

  it('a 404 on a submit is a provider error (a wrong base URL), only a 404 on a job read is job_expired', async () => {
    const submit = await providerFetch(answering(404), '/run', { method: 'POST', retry: 'never' }).catch((e: unknown) => e);
    expect(submit).toBeInstanceOf(ProviderError);
    expect(describeProviderError(submit as ProviderError).code).toBe('provider_error');
    expect((submit as Error).message).toMatch(/base URL/);
    const read = await providerFetch(answering(404), '/status/1', { method: 'GET', retry: 'safe', jobRead: true }).catch((e: unknown) => e);
    expect(describeProviderError(read as ProviderError).code).toBe('job_expired');
  });

  it.each([
    [401, 'provider_auth'],
    [402, 'provider_auth'],
    [403, 'provider_auth'],
    [400, 'provider_error'],
    [500, 'provider_unavailable'],
    [502, 'provider_unavailable'],
  ])('HTTP %i → %s', async (status, code) => {
    const error = await providerFetch(answering(status), '/run', { method: 'POST', retry: 'never' }).catch((e: unknown) => e);
    expect(describeProviderError(error as ProviderError).code).toBe(code);
  });
});

describe('against the fakes', () => {
  let vistoure: FakeProvider;
  let virtufit: VirtuFitFake;
  let t: TestContext;
  beforeAll(async () => {
    vistoure = await startFakeVistoure({ apiKey: 'kv' });
    virtufit = await startFakeVirtufit({ apiKey: 'kf' });
    t = await createTestContext({ baseUrl: vistoure.url, apiKey: 'kv' });
  });
  afterAll(async () => {
    await Promise.all([vistoure.close(), virtufit.close(), t.close()]);
  });

  const photo = { bytes: photoPng, type: 'image/png' as const, width: 64, height: 64, ref: 'ref-1' };

  it('a VistoureAI base URL with the wrong path answers a submit with provider_error, not job_expired', async () => {
    const error = await vistoureAdapter
      .submit({ photo, garmentUrl: 'https://cdn.example/g.png', category: 'top' }, { ...t.ctx, baseUrl: `${vistoure.url}/wrong` })
      .catch((e: unknown) => e);
    expect(describeProviderError(error as ProviderError).code).toBe('provider_error');
  });

  it('VirtuFit: the status_url its answer names is where the job is read', async () => {
    const ctx = { ...t.ctx, baseUrl: virtufit.url, apiKey: 'kf', publicUrl: undefined };
    const garmentUrl = (await t.ctx.publishFile(photoPng, 'image/png', 60_000)).toString();
    const { jobId } = await virtufitAdapter.submit({ photo, garmentUrl, category: 'watch' }, ctx);
    expect(virtufit.jobs.get(jobId)!.input.swapTarget).toBe('watch');
    expect(await ctx.store.get(`virtufit:status-url:${jobId}`)).toBe(`${virtufit.url}/api/v1/jobs/${jobId}`);
    // With the job's own status_url remembered, the base is not used for the read at all.
    await ctx.store.set(`virtufit:status-url:${jobId}`, `${virtufit.url}/api/v1/jobs/${jobId}`, 60_000);
    const state = await virtufitAdapter.status(jobId, { ...ctx, baseUrl: 'http://127.0.0.1:9' });
    expect(['queued', 'completed', 'processing']).toContain(state.status);
  });

  it('VirtuFit: a status_url is only trusted for this job, over https or on the configured origin', () => {
    const base = 'https://virtufit.xyz';
    const ok = 'https://virtufit-seven.vercel.app/api/v1/jobs/abc';
    expect(acceptedStatusUrl({ status_url: ok }, 'abc', base)).toBe(ok);
    expect(acceptedStatusUrl({ status_url: 'http://evil.example/api/v1/jobs/abc' }, 'abc', base)).toBeUndefined();
    expect(acceptedStatusUrl({ status_url: 'https://x.example/api/v1/jobs/other' }, 'abc', base)).toBeUndefined();
    expect(acceptedStatusUrl({ status_url: 'https://x.example/api/v1/jobs/abc?k=1' }, 'abc', base)).toBeUndefined();
    expect(acceptedStatusUrl({ status_url: 'http://127.0.0.1:4010/api/v1/jobs/abc' }, 'abc', 'http://127.0.0.1:4010')).toBeDefined();
    expect(acceptedStatusUrl({}, 'abc', base)).toBeUndefined();
  });
});

describe('a category the provider cannot dress', () => {
  it('is refused with 422 unsupported_category before any provider call', async () => {
    const s = setup();
    const response = await s.handler(submitRequest({ category: 'watch' }));
    expect(await errorOf(response)).toMatchObject({ status: 422, code: 'unsupported_category' });
    expect(s.adapter.calls).toBe(0);
  });
});
