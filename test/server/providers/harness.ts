/**
 * What the adapter tests share: an adapter's fake plus a context whose published files the fake
 * can really fetch, resetting the fake between tests, polling a job to its end, and catching the
 * ProviderError a call must fail with. Each test file keeps its own cases and assertions.
 */
import { expect } from 'vitest';
import type { FakeProvider, Timing } from '../../fakes/common.ts';
import { makePng } from '../../fakes/common.ts';
import { createTestContext, type TestContext } from '../../fakes/context.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import type { JobState, ProviderAdapter, ProviderContext, SubmitInput } from '../../../src/server/providers/types.ts';

/** A small shopper photo (3:4) and garment, for adapters that take any size. */
export const photoBytes = new Uint8Array(makePng(60, 80, (x, y) => [x * 4, y * 3, 90]));
export const garmentBytes = new Uint8Array(makePng(40, 40, (x) => [200, x * 6, 20]));

/** A top try-on of `photoBytes` (60x80) on `garmentUrl`, the photo known as `ref` (and at `url`); `overrides` replace any field. */
export function smallPhotoInput(
  photo: { garmentUrl: string; ref: string; url?: string },
  overrides: Partial<SubmitInput> = {},
): SubmitInput {
  const { garmentUrl, ref, url } = photo;
  return {
    photo: { bytes: photoBytes, type: 'image/png', width: 60, height: 80, ref, ...(url !== undefined && { url }) },
    garmentUrl,
    category: 'top',
    ...overrides,
  };
}

/** `ctx` with the adapter options (TRYON_PROVIDER_OPTIONS) and key replaced. */
export function withOptions(ctx: ProviderContext, options: Record<string, string>, apiKey: string): ProviderContext {
  return { ...ctx, options, apiKey };
}

export interface FakeAndContext<F extends FakeProvider> {
  fake: F;
  t: TestContext;
  /** `garment` published on the context's file host. */
  garmentUrl: string;
}

/** Starts the fake with `apiKey`, a context pointing at it, and publishes the garment for ten minutes. */
export async function startFakeAndContext<F extends FakeProvider>(
  start: (init: { apiKey: string }) => Promise<F>,
  apiKey: string,
  garment: Uint8Array = garmentBytes,
): Promise<FakeAndContext<F>> {
  const fake = await start({ apiKey });
  const t = await createTestContext({ baseUrl: fake.url, apiKey });
  const garmentUrl = await t.ctx.publishFile(garment, 'image/png', 600_000);
  return { fake, t, garmentUrl };
}

/** Forgets calls, faults and a pending job failure; `timing`, when given, replaces the fake's. */
export function resetFake(fake: FakeProvider, timing?: Timing): void {
  fake.resetCalls();
  fake.clearFaults();
  fake.nextJobFailure = undefined;
  if (timing) fake.timing = timing;
}

/** Polls `adapter.status` (faster than the handler does) until the job completes or fails; every state goes to `seen`. */
export async function pollUntilDone(
  adapter: ProviderAdapter,
  jobId: string,
  ctx: ProviderContext,
  options: { seen?: string[]; intervalMs?: number } = {},
): Promise<JobState> {
  const seen = options.seen ?? [];
  for (let i = 0; i < 100; i++) {
    const state = await adapter.status(jobId, ctx);
    seen.push(state.status);
    if (state.status === 'completed' || state.status === 'failed') return state;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 30));
  }
  throw new Error(`job ${jobId} never finished: ${seen.join(',')}`);
}

/** The ProviderError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** As `rejection`, and `apiKey` is nowhere in the error: not its message, its cause or its JSON. */
export async function providerError(promise: Promise<unknown>, apiKey: string): Promise<ProviderError> {
  const error = await rejection(promise);
  expect(`${error.message} ${String(error.cause ?? '')} ${JSON.stringify(error)}`).not.toContain(apiKey);
  return error;
}

/**
 * A `failure` like `rejection` that also keeps every error in `seen`, for a file's closing
 * check that the key never appears in any of them.
 */
export function recordedFailures(): { seen: unknown[]; failure: (promise: Promise<unknown>) => Promise<ProviderError> } {
  const seen: unknown[] = [];
  return {
    seen,
    failure: (promise) =>
      rejection(
        promise.catch((error: unknown) => {
          seen.push(error);
          throw error;
        }),
      ),
  };
}
