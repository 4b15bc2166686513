import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeProvider } from '../../fakes/common.ts';
import type { TestContext } from '../../fakes/context.ts';
import { startFakeVistoure } from '../../fakes/vistoure.ts';
import {
  garmentBytes,
  photoBytes,
  pollUntilDone,
  recordedFailures,
  resetFake,
  smallPhotoInput,
  startFakeAndContext,
  withOptions,
} from './harness.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import type { JobState, ProviderContext, SubmitInput } from '../../../src/server/providers/types.ts';
import {
  mapVistoureFailure,
  mapVistoureStatus,
  parseVistoureOptions,
  readOutput,
  readRunResponse,
  toDataUri,
  vistoureAdapter,
  vistoureRunBody,
} from '../../../src/server/providers/vistoure.ts';

const KEY = 'vst_live_9f8e7d6c5b4a3210secret';
const WRONG_KEY = 'vst_live_wrong_key_0000000000';

let fake: FakeProvider;
let t: TestContext;
let garmentUrl: string;
/** Every ProviderError seen, to prove the key never appears in one. */
const { seen: seenErrors, failure } = recordedFailures();

const input = (overrides: Partial<SubmitInput> = {}): SubmitInput => smallPhotoInput({ garmentUrl, ref: 'ref-shopper-1' }, overrides);
const ctxWith = (options: Record<string, string>, apiKey = KEY): ProviderContext => withOptions(t.ctx, options, apiKey);

const untilDone = (jobId: string, ctx: ProviderContext = t.ctx, seen: string[] = []): Promise<JobState> =>
  pollUntilDone(vistoureAdapter, jobId, ctx, { seen });

beforeAll(async () => {
  ({ fake, t, garmentUrl } = await startFakeAndContext(startFakeVistoure, KEY));
});

afterAll(async () => {
  await fake.close();
  await t.close();
});

beforeEach(() => resetFake(fake, { queuedMs: 40, processingMs: 80 }));

describe('vistoure adapter against the fake', () => {
  it('runs a try-on to completion and the result is a fetchable PNG', async () => {
    const submitted = await vistoureAdapter.submit(input(), t.ctx);
    expect(submitted.jobId).toMatch(/^gen_/);
    expect(submitted.jobId).not.toContain(KEY);
    const seen: string[] = [];
    const state = await untilDone(submitted.jobId, t.ctx, seen);
    expect(state.status).toBe('completed');
    // The submit answer is queued; the fake's in-between words are not in the document, so they read as running.
    expect(submitted.state?.status).toBe('queued');
    expect(seen[0]).toBe('processing');
    const response = await fetch(state.images![0]!);
    expect(response.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    // The photo went inline, so the adapter needs no public URL.
    expect(fake.jobs.get(submitted.jobId)!.input.model_image_kind).toBe('base64');
    expect(fake.count('run')).toBe(1);
  });

  it('a second product for the same shopper costs one run and no other call', async () => {
    const first = await vistoureAdapter.submit(input(), t.ctx);
    await untilDone(first.jobId);
    const otherGarment = await t.ctx.publishFile(garmentBytes, 'image/png', 600_000);
    const second = await vistoureAdapter.submit(input({ garmentUrl: otherGarment, category: 'bottom' }), t.ctx);
    expect((await untilDone(second.jobId)).status).toBe('completed');
    expect(fake.count('run')).toBe(2);
    expect(fake.count()).toBe(2 + fake.count('status'));
    expect(fake.jobs.get(second.jobId)!.input).toMatchObject({ category: 'bottom', garment_image: otherGarment });
  });

  it('maps categories to the Try-On words and leaves out what it cannot dress', async () => {
    expect(vistoureAdapter.categories).toEqual({ top: 'top', outerwear: 'top', bottom: 'bottom', dress: 'dresses', full: 'dresses' });
    expect(vistoureAdapter.categories.shoes).toBeUndefined();
    expect(vistoureAdapter.categories.accessory).toBeUndefined();
    const { jobId } = await vistoureAdapter.submit(input({ category: 'dress' }), t.ctx);
    expect(fake.jobs.get(jobId)!.input.category).toBe('dresses');
    // The fake holds the doc's list: Pro's singular 'dress' is refused on Try-On.
    const refused = await fetch(`${fake.url}/api/v2/tryon/run`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'dress', model_image: toDataUri(photoBytes, 'image/png'), garment_image: garmentUrl }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/category/);
  });

  it('passes seed, model_name and garment_description from the options', async () => {
    const ctx = ctxWith({ seed: '42', model_name: 'Turbo', garment_description: 'blue linen shirt' });
    const { jobId } = await vistoureAdapter.submit(input(), ctx);
    expect(fake.jobs.get(jobId)!.input).toMatchObject({ seed: 42, model_name: 'Turbo', garment_description: 'blue linen shirt' });
    const own = await vistoureAdapter.submit(input({ garmentDescription: 'red wool coat' }), ctx);
    expect(fake.jobs.get(own.jobId)!.input.garment_description).toBe('red wool coat');
    const state = await untilDone(jobId, ctx);
    expect(state.status).toBe('completed');
  });

  it('refuses bad options before any provider call', async () => {
    const seed = await vistoureAdapter.submit(input(), ctxWith({ seed: 'forty-two' })).catch((e: unknown) => e);
    const model = await vistoureAdapter.submit(input(), ctxWith({ model_name: 'Pro Fit' })).catch((e: unknown) => e);
    seenErrors.push(seed, model);
    expect(String(seed)).toMatch(/Invalid vistoure option "seed": expected a whole number/);
    expect(String(model)).toMatch(/"model_name": expected one of "Beta", "Turbo"/);
    expect(fake.count()).toBe(0);
  });

  it('a wrong key is an auth error', async () => {
    const error = await failure(vistoureAdapter.submit(input(), ctxWith({}, WRONG_KEY)));
    expect(error.kind).toBe('auth');
    expect(error.providerStatus).toBe(401);
    const statusError = await failure(vistoureAdapter.status('gen_whatever', ctxWith({}, WRONG_KEY)));
    expect(statusError.kind).toBe('auth');
  });

  it('a 429 with Retry-After: 1 once is waited out: exactly two run calls', async () => {
    fake.inject('run', { kind: 'status', status: 429, retryAfter: 1 });
    const started = Date.now();
    const { jobId } = await vistoureAdapter.submit(input(), t.ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.count('run')).toBe(2);
    expect((await untilDone(jobId)).status).toBe('completed');
  });

  it("429 forever is busy, with the provider's Retry-After", async () => {
    fake.inject('run', { kind: 'status', status: 429, retryAfter: 1 }, 50);
    const error = await failure(vistoureAdapter.submit(input(), t.ctx));
    expect(error.kind).toBe('busy');
    expect(error.retryAfterSec).toBe(1);
    expect(fake.count('run')).toBe(3);
  });

  it('a 500 on run is unavailable after exactly one call (never charged twice)', async () => {
    const jobsBefore = fake.jobs.size;
    fake.inject('run', { kind: 'status', status: 500 }, 5);
    const error = await failure(vistoureAdapter.submit(input(), t.ctx));
    expect(error.kind).toBe('unavailable');
    expect(fake.count('run')).toBe(1);
    expect(fake.jobs.size).toBe(jobsBefore);
  });

  it('a 500 once on status is retried and the run still completes', async () => {
    const { jobId } = await vistoureAdapter.submit(input(), t.ctx);
    fake.inject('status', { kind: 'status', status: 500 });
    const first = await vistoureAdapter.status(jobId, t.ctx);
    expect(['queued', 'processing', 'completed']).toContain(first.status);
    expect(fake.count('status')).toBe(2);
    expect((await untilDone(jobId)).status).toBe('completed');
  });

  it('malformed JSON is bad_response, on run and on status', async () => {
    fake.inject('run', { kind: 'malformed' });
    expect((await failure(vistoureAdapter.submit(input(), t.ctx))).kind).toBe('bad_response');
    expect(fake.count('run')).toBe(1);
    const { jobId } = await vistoureAdapter.submit(input(), t.ctx);
    fake.inject('status', { kind: 'malformed' });
    expect((await failure(vistoureAdapter.status(jobId, t.ctx))).kind).toBe('bad_response');
  });

  it('a failed run becomes our code and our message, never the provider text', async () => {
    const cases: [string, string][] = [
      ['Pose estimation failed: no keypoints in model_image (worker gpu-node-7)', 'pose_unsupported'],
      ['NSFW content detected by safety checker v2.1', 'moderation_blocked'],
      ['garment_image: could not segment the garment (mask empty)', 'garment_rejected'],
      ['Could not detect a person in the model image', 'photo_rejected'],
      ['CUDA out of memory at /srv/vto/pipeline.py:212', 'generation_failed'],
    ];
    for (const [text, code] of cases) {
      fake.nextJobFailure = text;
      const { jobId } = await vistoureAdapter.submit(input(), t.ctx);
      const state = await untilDone(jobId);
      expect(state.status).toBe('failed');
      expect(state.error!.code).toBe(code);
      expect(state.error!.message).not.toContain(text);
      expect(state.error!.message).not.toMatch(/gpu|cuda|pipeline|keypoint|checker/i);
      expect(state.error!.message.length).toBeGreaterThan(20);
    }
  });

  it("a photo or garment the provider cannot load is refused as the shopper's, not charged", async () => {
    const notAnImage = new TextEncoder().encode('this is not an image at all');
    const photoError = await failure(vistoureAdapter.submit(input({ photo: { ...input().photo, bytes: notAnImage } }), t.ctx));
    expect(photoError).toMatchObject({ kind: 'rejected', code: 'photo_rejected', providerStatus: 400 });
    const garmentError = await failure(vistoureAdapter.submit(input({ garmentUrl: `${garmentUrl}-gone` }), t.ctx));
    expect(garmentError).toMatchObject({ kind: 'rejected', code: 'garment_rejected' });
    expect(garmentError.message).not.toMatch(/ImageLoadError/);
  });

  it('an unknown run is not_found', async () => {
    expect((await failure(vistoureAdapter.status('gen_never_made', t.ctx))).kind).toBe('not_found');
  });

  it('the key never appears in any error message', () => {
    expect(seenErrors.length).toBeGreaterThanOrEqual(11);
    for (const error of seenErrors) {
      const e = error as ProviderError;
      const text = [e.message, String(e), e.stack ?? '', String((e as { cause?: unknown }).cause ?? ''), JSON.stringify(e)].join('\n');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(WRONG_KEY);
    }
  });
});

describe('vistoure pure mapping', () => {
  const base = input as () => SubmitInput;

  it('builds the run body the doc describes', () => {
    const body = vistoureRunBody(base(), { seed: 7, modelName: 'Beta' });
    expect(body).toMatchObject({ category: 'top', garment_image: garmentUrl, seed: 7, model_name: 'Beta' });
    expect(body.model_image).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(body).not.toHaveProperty('garment_description');
    expect(vistoureRunBody(base(), { garmentDescription: 'default' }).garment_description).toBe('default');
    expect(() => vistoureRunBody({ ...base(), category: 'shoes' }, {})).toThrow(/shoes/);
  });

  it('reads options strictly', () => {
    expect(parseVistoureOptions({})).toEqual({});
    expect(parseVistoureOptions({ seed: ' 12 ', model_name: 'Beta', garment_description: ' x ', tier: 'other' })).toEqual({
      seed: 12,
      modelName: 'Beta',
      garmentDescription: 'x',
    });
    expect(parseVistoureOptions({ seed: '-3' }).seed).toBe(-3);
    expect(() => parseVistoureOptions({ seed: '1.5' })).toThrow(/seed/);
    expect(() => parseVistoureOptions({ model_name: 'beta' })).toThrow(/model_name/);
  });

  it('round-trips the photo through its data URI', () => {
    const uri = toDataUri(photoBytes, 'image/png');
    const decoded = new Uint8Array(Buffer.from(uri.split(',')[1]!, 'base64'));
    expect(decoded).toEqual(photoBytes);
  });

  it('maps the one documented word (completed), tells failure by error, and reads any other word as running', () => {
    // The document lists 'completed' only: every other word is unlisted, still running, never an error.
    expect(mapVistoureStatus({ status: 'in_queue', error: null }, 'V')).toEqual({ status: 'processing', unknownWord: 'in_queue' });
    expect(mapVistoureStatus({ status: 'processing' }, 'V')).toEqual({ status: 'processing', unknownWord: 'processing' });
    expect(mapVistoureStatus({ status: 'Completed', output: ['https://cdn.x/r.png'] }, 'V').status).toBe('processing');
    expect(mapVistoureStatus({ status: 'exploded' }, 'V')).toEqual({ status: 'processing', unknownWord: 'exploded' });
    // A failed run is told by the document's `error` field, whatever its word.
    expect(mapVistoureStatus({ status: 'whatever', error: 'NSFW content' }, 'V').error!.code).toBe('moderation_blocked');
    expect(mapVistoureStatus({ status: 'completed', output: ['https://cdn.x/r.png'] }, 'V')).toEqual({
      status: 'completed',
      images: ['https://cdn.x/r.png'],
    });
    expect(mapVistoureStatus({ status: 'completed', output: 'https://cdn.x/one.png' }, 'V').images).toEqual(['https://cdn.x/one.png']);
    expect(mapVistoureStatus({ status: 'failed', error: { name: 'PoseError', message: 'bad pose' } }, 'V').error!.code).toBe(
      'pose_unsupported',
    );
    expect(() => mapVistoureStatus({ status: 'completed', output: [] }, 'V')).toThrow(ProviderError);
    expect(() => mapVistoureStatus(null, 'V')).toThrow(ProviderError);
    expect(readOutput(['javascript:alert(1)', 'https://ok/x.png', 3])).toEqual(['https://ok/x.png']);
  });

  it('reads the run answer, including an error in a 200', () => {
    expect(readRunResponse({ id: 'gen_1', error: null }, 'V')).toBe('gen_1');
    expect(() => readRunResponse({ id: null, error: null }, 'V')).toThrow(/without an id/);
    const refused = (() => {
      try {
        readRunResponse({ id: null, error: 'model_image is not a person' }, 'V');
      } catch (error) {
        return error as ProviderError;
      }
    })();
    expect(refused).toMatchObject({ kind: 'rejected', code: 'photo_rejected' });
    expect(refused!.message).not.toContain('model_image');
  });

  it('classifies failure texts', () => {
    expect(mapVistoureFailure(undefined).code).toBe('generation_failed');
    expect(mapVistoureFailure('Inappropriate content').code).toBe('moderation_blocked');
    expect(mapVistoureFailure('Body pose not supported').code).toBe('pose_unsupported');
    expect(mapVistoureFailure('Clothing could not be detected').code).toBe('garment_rejected');
    expect(mapVistoureFailure('ImageLoadError: model_image').code).toBe('photo_rejected');
    expect(mapVistoureFailure('timeout in worker').code).toBe('generation_failed');
  });
});
