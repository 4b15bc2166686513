import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { imageSize } from 'image-size';
import { makePng } from '../../fakes/common.ts';
import { createTestContext, type TestContext } from '../../fakes/context.ts';
import { startFakeVtryon, type VtryonFake } from '../../fakes/vtryon.ts';
import { providerError as expectProviderError, pollUntilDone as pollJob, resetFake } from './harness.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import type { JobState, ProviderContext, SubmitInput } from '../../../src/server/providers/types.ts';
import {
  mapVtryonFailure,
  mapVtryonTask,
  readUploadId,
  readValidation,
  taskBody,
  vtryonAdapter,
  vtryonKeys,
} from '../../../src/server/providers/vtryon.ts';

const API_KEY = 'vt_live_secret_key_123456';
const personPng = new Uint8Array(makePng(300, 400, (x, y) => [x % 256, y % 256, 90]));
const tinyPng = new Uint8Array(makePng(120, 160, () => [10, 20, 30]));
const garmentPng = new Uint8Array(makePng(200, 200, (x) => [200, x % 256, 20]));

let fake: VtryonFake;
let t: TestContext;
let ctx: ProviderContext;
let garmentA: string;
let garmentB: string;

function input(over: Partial<SubmitInput> = {}, photo: Uint8Array = personPng, ref = 'ref-alice'): SubmitInput {
  const { width, height } = imageSize(photo);
  return {
    photo: { bytes: photo, type: 'image/png', width, height, ref },
    garmentUrl: garmentA,
    category: 'top',
    ...over,
  };
}

const pollUntilDone = (jobId: string, c: ProviderContext = ctx): Promise<JobState> => pollJob(vtryonAdapter, jobId, c, { intervalMs: 40 });

/** The ProviderError a promise rejects with; the key must not be anywhere in it. */
const providerError = (promise: Promise<unknown>): Promise<ProviderError> => expectProviderError(promise, API_KEY);

beforeAll(async () => {
  fake = await startFakeVtryon({ apiKey: API_KEY });
  fake.timing = { queuedMs: 60, processingMs: 120 };
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  t = await createTestContext({ baseUrl: fake.url, apiKey: API_KEY });
  ctx = t.ctx;
  garmentA = await ctx.publishFile(garmentPng, 'image/png', 60_000);
  garmentB = await ctx.publishFile(garmentPng, 'image/png', 60_000);
  resetFake(fake);
  fake.nextValidationIssues = undefined;
});
afterEach(async () => {
  await t.close();
});

describe('vtryon pure mapping', () => {
  it('maps clothing categories and leaves out shoes and accessories', () => {
    expect(Object.keys(vtryonAdapter.categories).sort()).toEqual(['bottom', 'dress', 'full', 'outerwear', 'top']);
    expect(vtryonAdapter.categories.shoes).toBeUndefined();
    expect(vtryonAdapter.categories.accessory).toBeUndefined();
    expect(vtryonAdapter.pollIntervalMs).toBe(3000);
  });

  it('builds the task body with one garment id', () => {
    expect(taskBody(181, 88)).toEqual({ tryon_person_image_id: 181, garment_image_ids: [88] });
  });

  it('reads upload ids and refuses answers without one', () => {
    expect(readUploadId({ id: 181, image_url: 'https://cdn/x' })).toBe(181);
    expect(() => readUploadId({ image_url: 'x' })).toThrow(ProviderError);
    expect(() => readUploadId(null)).toThrow(ProviderError);
  });

  it('reads validations, reducing issues to short strings', () => {
    expect(readValidation({ tryon_person_image_id: 1, is_valid: true, issues: [] })).toEqual({ valid: true, issues: [] });
    const read = readValidation({
      is_valid: false,
      issues: ['Face not visible', { code: 'low_light', message: 'Too dark' }, 42, 'x'.repeat(500)],
    });
    expect(read.valid).toBe(false);
    expect(read.issues).toEqual(['Face not visible', 'Too dark', 'x'.repeat(200)]);
    expect(() => readValidation({ issues: [] })).toThrow(ProviderError);
  });

  it('maps task statuses, both waiting words included', () => {
    expect(mapVtryonTask({ id: 1, status: 'queued' })).toEqual({ status: 'queued' });
    expect(mapVtryonTask({ id: 1, status: 'pending' })).toEqual({ status: 'queued' });
    expect(mapVtryonTask({ id: 1, status: 'processing' })).toEqual({ status: 'processing' });
    expect(mapVtryonTask({ id: 1, status: 'completed', result_url: 'https://cdn/r.png' })).toEqual({
      status: 'completed',
      images: ['https://cdn/r.png'],
    });
    expect(() => mapVtryonTask({ id: 1, status: 'completed' })).toThrow(ProviderError);
    expect(mapVtryonTask({ id: 1, status: 'exploded' })).toEqual({ status: 'processing', unknownWord: 'exploded' });
    expect(mapVtryonTask({ id: 1, status: 'Completed', result_url: 'https://cdn/r.png' })).toEqual({
      status: 'processing',
      unknownWord: 'Completed',
    });
    expect(mapVtryonTask({ id: 1, status: 'failed', error: 'NSFW content detected' }).error?.code).toBe('moderation_blocked');
  });

  it('maps failure texts to codes without echoing them', () => {
    const cases: Array<[string, string]> = [
      ['Pose estimation failed: keypoints missing', 'pose_unsupported'],
      ['NSFW content detected by safety checker', 'moderation_blocked'],
      ['Invalid person image: no human detected', 'photo_rejected'],
      ['Garment segmentation failed', 'garment_rejected'],
      ['CUDA out of memory at worker-7 (10.0.3.4)', 'generation_failed'],
    ];
    for (const [text, code] of cases) {
      const error = mapVtryonFailure(text);
      expect(error.code).toBe(code);
      expect(error.message).not.toContain(text);
      expect(error.message.length).toBeGreaterThan(20);
    }
    expect(mapVtryonFailure(undefined).code).toBe('generation_failed');
  });
});

describe('vtryon adapter against the fake', () => {
  it('uploads, validates, creates a task and polls it to a fetchable PNG', async () => {
    const result = await vtryonAdapter.submit(input(), ctx);
    expect(result.jobId).toMatch(/^\d+$/);
    expect(result.state?.status).toBe('queued');
    expect(fake.count('person-upload')).toBe(1);
    expect(fake.count('validate')).toBe(1);
    expect(fake.count('garment-upload')).toBe(1);
    expect(fake.count('task-create')).toBe(1);

    // The garment the fake stored is the merchant's image, downloaded by the adapter.
    const [garment] = [...fake.garmentImages.values()];
    expect(Buffer.from(garment!.bytes).equals(Buffer.from(garmentPng))).toBe(true);

    const state = await pollUntilDone(result.jobId);
    expect(state.status).toBe('completed');
    const image = await fetch(state.images![0]!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await image.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('reuses the person image for a second product and the garment for another shopper', async () => {
    await vtryonAdapter.submit(input(), ctx);
    await vtryonAdapter.submit(input({ garmentUrl: garmentB, category: 'dress' }), ctx);
    expect(fake.count('person-upload')).toBe(1);
    expect(fake.count('validate')).toBe(1);
    expect(fake.count('garment-upload')).toBe(2);
    expect(fake.count('task-create')).toBe(2);

    // Bob tries garment A on: his photo is new, the garment is not.
    const bob = await vtryonAdapter.submit(input({}, personPng, 'ref-bob'), ctx);
    expect(fake.count('person-upload')).toBe(2);
    expect(fake.count('garment-upload')).toBe(2);
    expect(fake.count('task-create')).toBe(3);
    const jobs = [...fake.jobs.values()];
    const bobJob = fake.jobs.get(bob.jobId)!;
    const aliceFirst = jobs.at(-3)!;
    expect(bobJob.input.garmentIds).toEqual(aliceFirst.input.garmentIds);
    expect(bobJob.input.personId).not.toEqual(aliceFirst.input.personId);
  });

  it('refuses an invalid photo with its issues before any task, and remembers the verdict', async () => {
    const error = await providerError(vtryonAdapter.submit(input({}, tinyPng, 'ref-tiny'), ctx));
    expect(error.kind).toBe('rejected');
    expect(error.code).toBe('photo_rejected');
    expect(error.details).toEqual([expect.stringContaining('resolution is too low')]);
    expect(fake.count('task-create')).toBe(0);
    expect(fake.count('garment-upload')).toBe(0);

    const again = await providerError(vtryonAdapter.submit(input({}, tinyPng, 'ref-tiny'), ctx));
    expect(again.code).toBe('photo_rejected');
    expect(fake.count('person-upload')).toBe(1);
    expect(fake.count('validate')).toBe(1);
  });

  it('passes the provider-reported issues of a large but unusable photo', async () => {
    fake.nextValidationIssues = ['Person is not fully visible', 'Lighting too dark'];
    const error = await providerError(vtryonAdapter.submit(input({}, personPng, 'ref-dark'), ctx));
    expect(error.code).toBe('photo_rejected');
    expect(error.details).toEqual(['Person is not fully visible', 'Lighting too dark']);
    expect(fake.count('task-create')).toBe(0);
  });

  it('refuses a product image that cannot be downloaded, without calling Vtryon', async () => {
    const error = await providerError(
      vtryonAdapter.submit(input({ garmentUrl: `${garmentA.replace(/\/files\/.*/, '/files/nope')}` }), ctx),
    );
    expect(error.kind).toBe('rejected');
    expect(error.code).toBe('garment_rejected');
    expect(fake.count('garment-upload')).toBe(0);
    expect(fake.count('task-create')).toBe(0);
  });

  it('turns a wrong key into auth, never echoing the key', async () => {
    const wrong = { ...ctx, apiKey: 'wrong-key-value' };
    const error = await providerError(vtryonAdapter.submit(input(), wrong));
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain('wrong-key-value');
  });

  it('retries a 429 on the task after Retry-After, creating it once', async () => {
    fake.inject('task-create', { kind: 'status', status: 429, retryAfter: 1 });
    const result = await vtryonAdapter.submit(input(), ctx);
    expect(fake.count('task-create')).toBe(2);
    expect(fake.jobs.has(result.jobId)).toBe(true);
  });

  it('gives up with busy when the task stays rate limited', async () => {
    fake.inject('task-create', { kind: 'status', status: 429, retryAfter: 1 }, 10);
    const error = await providerError(vtryonAdapter.submit(input(), ctx));
    expect(error.kind).toBe('busy');
    expect(error.retryAfterSec).toBeGreaterThanOrEqual(1);
  });

  it('never repeats a task creation that failed with 500', async () => {
    fake.inject('task-create', { kind: 'status', status: 500 });
    const error = await providerError(vtryonAdapter.submit(input(), ctx));
    expect(error.kind).toBe('unavailable');
    expect(fake.count('task-create')).toBe(1);
  });

  it('retries a status poll that failed once with 500', async () => {
    const { jobId } = await vtryonAdapter.submit(input(), ctx);
    fake.inject('task-status', { kind: 'status', status: 500 });
    const state = await pollUntilDone(jobId);
    expect(state.status).toBe('completed');
    expect(fake.count('task-status')).toBeGreaterThanOrEqual(2);
  });

  it('reports malformed JSON as bad_response', async () => {
    const { jobId } = await vtryonAdapter.submit(input(), ctx);
    fake.inject('task-status', { kind: 'malformed' });
    expect((await providerError(vtryonAdapter.status(jobId, ctx))).kind).toBe('bad_response');
    fake.inject('task-create', { kind: 'malformed' });
    expect((await providerError(vtryonAdapter.submit(input(), ctx))).kind).toBe('bad_response');
  });

  it('maps a failed task to a shopper-facing code and message', async () => {
    fake.nextJobFailure = 'Pose detection failed on worker gpu-3: /srv/model/openpose.py line 88';
    const { jobId } = await vtryonAdapter.submit(input(), ctx);
    const state = await pollUntilDone(jobId);
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('pose_unsupported');
    expect(state.error?.message).not.toMatch(/gpu-3|openpose|worker/);
  });

  it('treats an unknown task as not_found', async () => {
    expect((await providerError(vtryonAdapter.status('999999', ctx))).kind).toBe('not_found');
    expect((await providerError(vtryonAdapter.status('../x', ctx))).kind).toBe('not_found');
  });

  it('forgets stale ids when Vtryon no longer has them, so the retry uploads afresh', async () => {
    await vtryonAdapter.submit(input(), ctx);
    fake.garmentImages.clear();
    const error = await providerError(vtryonAdapter.submit(input(), ctx));
    expect(error.kind).toBe('bad_response');
    expect(await ctx.store.get(vtryonKeys.garment(garmentA))).toBeUndefined();
    const retry = await vtryonAdapter.submit(input(), ctx);
    expect(fake.jobs.has(retry.jobId)).toBe(true);
    expect(fake.count('garment-upload')).toBe(2);
  });

  it('forgetPhoto deletes the person image at Vtryon', async () => {
    await vtryonAdapter.submit(input(), ctx);
    expect(fake.personImages.size).toBeGreaterThan(0);
    const before = fake.personImages.size;
    await vtryonAdapter.forgetPhoto!('ref-alice', ctx);
    expect(fake.personImages.size).toBe(before - 1);
    expect(fake.count('person-delete')).toBe(1);
    expect(await ctx.store.get(vtryonKeys.person('ref-alice'))).toBeUndefined();
  });

  it('a person image delete that fails keeps the id, so the retry deletes it', async () => {
    await vtryonAdapter.submit(input(), ctx);
    const before = fake.personImages.size;
    fake.inject('person-delete', { kind: 'status', status: 500 }, 3);
    await expect(vtryonAdapter.forgetPhoto!('ref-alice', ctx)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(fake.personImages.size).toBe(before);
    expect(await ctx.store.get(vtryonKeys.person('ref-alice'))).toBeDefined();
    await vtryonAdapter.forgetPhoto!('ref-alice', ctx);
    expect(fake.personImages.size).toBe(before - 1);
  });
});
