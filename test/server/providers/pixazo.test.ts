import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeProvider } from '../../fakes/common.ts';
import type { TestContext } from '../../fakes/context.ts';
import { startFakePixazo } from '../../fakes/pixazo.ts';
import { photoBytes, pollUntilDone, recordedFailures, resetFake, smallPhotoInput, startFakeAndContext, withOptions } from './harness.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import type { JobState, ProviderContext, SubmitInput } from '../../../src/server/providers/types.ts';
import {
  mapPixazoFailure,
  mapPixazoPrediction,
  needsCrop,
  parsePixazoOptions,
  pixazoAdapter,
  pixazoRefusal,
  pixazoRunBody,
  readPixazoSubmit,
} from '../../../src/server/providers/pixazo.ts';

const KEY = 'pxz_sub_7a6b5c4d3e2f1g0secret';
const WRONG_KEY = 'pxz_sub_wrong_00000000000000';

let fake: FakeProvider;
let t: TestContext;
let garmentUrl: string;
let photoUrl: string;
/** Every ProviderError seen, to prove the key never appears in one. */
const { seen: seenErrors, failure } = recordedFailures();

const input = (overrides: Partial<SubmitInput> = {}): SubmitInput =>
  smallPhotoInput({ garmentUrl, ref: 'ref-shopper-px', url: photoUrl }, overrides);
const ctxWith = (options: Record<string, string>, apiKey = KEY): ProviderContext => withOptions(t.ctx, options, apiKey);

const untilDone = (jobId: string, seen: string[] = []): Promise<JobState> => pollUntilDone(pixazoAdapter, jobId, t.ctx, { seen });

beforeAll(async () => {
  ({ fake, t, garmentUrl } = await startFakeAndContext(startFakePixazo, KEY));
  photoUrl = await t.ctx.publishFile(photoBytes, 'image/png', 600_000);
});

afterAll(async () => {
  await fake.close();
  await t.close();
});

beforeEach(() => resetFake(fake, { queuedMs: 40, processingMs: 80 }));

describe('pixazo adapter against the fake', () => {
  it('takes the photo by URL and runs to a fetchable PNG', async () => {
    expect(pixazoAdapter.needsPhotoUrl).toBe(true);
    const { jobId, state: first } = await pixazoAdapter.submit(input({ garmentDescription: 'Short sleeve round neck T-shirt' }), t.ctx);
    expect(fake.jobs.get(jobId)!.input).toMatchObject({
      category: 'upper_body',
      human_img: photoUrl,
      garm_img: garmentUrl,
      crop: false,
      garment_des: 'Short sleeve round neck T-shirt',
    });
    const seen: string[] = [];
    const state = await untilDone(jobId, seen);
    expect(state.status).toBe('completed');
    expect(first?.status).toBe('queued');
    // 'starting' and 'processing' are not the document's words: read as running, never an error.
    expect(seen[0]).toBe('processing');
    const response = await fetch(state.images![0]!);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await response.arrayBuffer()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(fake.count('submit')).toBe(1);
  });

  it('asks for crop when the photo is not 3:4', async () => {
    const { jobId } = await pixazoAdapter.submit(input({ photo: { ...input().photo, width: 80, height: 80 } }), t.ctx);
    expect(fake.jobs.get(jobId)!.input.crop).toBe(true);
  });

  it('a second product for the same shopper costs one submit and no other call', async () => {
    const first = await pixazoAdapter.submit(input(), t.ctx);
    await untilDone(first.jobId);
    const second = await pixazoAdapter.submit(input({ category: 'bottom' }), t.ctx);
    expect((await untilDone(second.jobId)).status).toBe('completed');
    expect(fake.count('submit')).toBe(2);
    expect(fake.count()).toBe(2 + fake.count('poll'));
    expect(fake.jobs.get(second.jobId)!.input.category).toBe('lower_body');
  });

  it('maps categories to body regions and leaves out shoes and accessories', async () => {
    expect(pixazoAdapter.categories).toEqual({
      top: 'upper_body',
      outerwear: 'upper_body',
      bottom: 'lower_body',
      dress: 'dresses',
      full: 'dresses',
    });
    expect(pixazoAdapter.categories.shoes).toBeUndefined();
    expect(pixazoAdapter.categories.accessory).toBeUndefined();
    const { jobId } = await pixazoAdapter.submit(input({ category: 'dress' }), t.ctx);
    expect(fake.jobs.get(jobId)!.input.category).toBe('dresses');
    const refused = await fetch(`${fake.url}/virtual-tryon/v1/r-vton`, {
      method: 'POST',
      headers: { 'ocp-apim-subscription-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'top', garm_img: garmentUrl, human_img: photoUrl }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/^Invalid request parameters: category/) });
  });

  it('passes seed and steps from the options, and refuses bad ones before any call', async () => {
    const { jobId } = await pixazoAdapter.submit(input(), ctxWith({ seed: '40', steps: '30' }));
    expect(fake.jobs.get(jobId)!.input).toMatchObject({ seed: 40, steps: 30 });
    fake.resetCalls();
    const bad = await pixazoAdapter.submit(input(), ctxWith({ steps: '0' })).catch((e: unknown) => e);
    seenErrors.push(bad);
    expect(String(bad)).toMatch(/Invalid pixazo option "steps"/);
    expect(fake.count()).toBe(0);
  });

  it("an expired photo URL fails at the provider, as in production, as the shopper's photo", async () => {
    const jobsBefore = fake.jobs.size;
    const shortLived = await t.ctx.publishFile(photoBytes, 'image/png', 1);
    await new Promise((r) => setTimeout(r, 10));
    const error = await failure(pixazoAdapter.submit(input({ photo: { ...input().photo, url: shortLived } }), t.ctx));
    expect(error).toMatchObject({ kind: 'rejected', code: 'photo_rejected', providerStatus: 400 });
    expect(error.message).not.toMatch(/human_img|downloaded/);
    expect(fake.count('submit')).toBe(1);
    expect(fake.jobs.size).toBe(jobsBefore);
  });

  it('a garment image that cannot be fetched is garment_rejected', async () => {
    const error = await failure(pixazoAdapter.submit(input({ garmentUrl: `${garmentUrl}-missing` }), t.ctx));
    expect(error).toMatchObject({ kind: 'rejected', code: 'garment_rejected' });
  });

  it('without a photo URL it refuses before any call', async () => {
    const { url: _url, ...photo } = input().photo;
    const error = await pixazoAdapter.submit(input({ photo }), t.ctx).catch((e: unknown) => e);
    seenErrors.push(error);
    expect(String(error)).toMatch(/TRYON_PUBLIC_URL/);
    expect(fake.count()).toBe(0);
  });

  it('a wrong key is an auth error', async () => {
    const error = await failure(pixazoAdapter.submit(input(), ctxWith({}, WRONG_KEY)));
    expect(error).toMatchObject({ kind: 'auth', providerStatus: 401 });
  });

  it('polling works without the key, as the doc shows it', async () => {
    const { jobId } = await pixazoAdapter.submit(input(), t.ctx);
    const response = await fetch(`${fake.url}/vton-polling/v1/r-vton-get-image`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
      body: JSON.stringify({ id: jobId }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('starting');
  });

  it('a 429 with Retry-After: 1 once is waited out: exactly two submit calls', async () => {
    fake.inject('submit', { kind: 'status', status: 429, retryAfter: 1, body: '{"error":"Rate limit exceeded, please retry later"}' });
    const { jobId } = await pixazoAdapter.submit(input(), t.ctx);
    expect(fake.count('submit')).toBe(2);
    expect((await untilDone(jobId)).status).toBe('completed');
  });

  it('429 forever is busy with retryAfterSec', async () => {
    fake.inject('submit', { kind: 'status', status: 429, retryAfter: 1 }, 50);
    const error = await failure(pixazoAdapter.submit(input(), t.ctx));
    expect(error).toMatchObject({ kind: 'busy', retryAfterSec: 1 });
    expect(fake.count('submit')).toBe(3);
  });

  it('a 500 on submit is unavailable after exactly one call (never charged twice)', async () => {
    fake.inject('submit', { kind: 'status', status: 500, body: '{"error":"An unexpected error occurred, please try again later"}' }, 5);
    expect((await failure(pixazoAdapter.submit(input(), t.ctx))).kind).toBe('unavailable');
    expect(fake.count('submit')).toBe(1);
  });

  it('a 500 once on polling is retried and the prediction still completes', async () => {
    const { jobId } = await pixazoAdapter.submit(input(), t.ctx);
    fake.inject('poll', { kind: 'status', status: 500 });
    await pixazoAdapter.status(jobId, t.ctx);
    expect(fake.count('poll')).toBe(2);
    expect((await untilDone(jobId)).status).toBe('completed');
  });

  it('malformed JSON is bad_response, on submit and on polling', async () => {
    fake.inject('submit', { kind: 'malformed' });
    expect((await failure(pixazoAdapter.submit(input(), t.ctx))).kind).toBe('bad_response');
    expect(fake.count('submit')).toBe(1);
    const { jobId } = await pixazoAdapter.submit(input(), t.ctx);
    fake.inject('poll', { kind: 'malformed' });
    expect((await failure(pixazoAdapter.status(jobId, t.ctx))).kind).toBe('bad_response');
  });

  it('a failed prediction becomes our code and message, never the provider text', async () => {
    const cases: [string, string][] = [
      ['OpenPose found no keypoints (Traceback: /src/predict.py line 88)', 'pose_unsupported'],
      ['NSFW content detected', 'moderation_blocked'],
      ['cannot identify image file <_io.BytesIO object at 0x7f>', 'photo_rejected'],
      ['garm_img segmentation produced an empty mask', 'garment_rejected'],
      ['CUDA error: device-side assert triggered', 'generation_failed'],
    ];
    for (const [text, code] of cases) {
      fake.nextJobFailure = text;
      const { jobId } = await pixazoAdapter.submit(input(), t.ctx);
      const state = await untilDone(jobId);
      expect(state).toMatchObject({ status: 'failed', error: { code } });
      expect(state.error!.message).not.toMatch(/traceback|predict|cuda|bytesio|mask|openpose/i);
    }
  });

  it('an unknown prediction is not_found', async () => {
    expect((await failure(pixazoAdapter.status('zdj7nothing', t.ctx))).kind).toBe('not_found');
  });

  it('the key never appears in any error message', () => {
    expect(seenErrors.length).toBeGreaterThanOrEqual(10);
    for (const error of seenErrors) {
      const e = error as Error;
      const text = [e.message, String(e), e.stack ?? '', String(e.cause ?? ''), JSON.stringify(e)].join('\n');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(WRONG_KEY);
    }
  });
});

describe('pixazo pure mapping', () => {
  it('decides crop from the aspect ratio', () => {
    expect(needsCrop(768, 1024)).toBe(false);
    expect(needsCrop(1151, 1536)).toBe(false);
    expect(needsCrop(1024, 1024)).toBe(true);
    expect(needsCrop(1536, 1024)).toBe(true);
    expect(needsCrop(0, 0)).toBe(true);
  });

  it('builds the documented body', () => {
    const body = pixazoRunBody(
      {
        photo: { bytes: photoBytes, type: 'image/png', width: 90, height: 120, ref: 'r', url: 'https://shop.example/files/abc' },
        garmentUrl: 'https://cdn.example/tee.jpg',
        category: 'full',
      },
      { seed: 1 },
    );
    expect(body).toEqual({
      category: 'dresses',
      garm_img: 'https://cdn.example/tee.jpg',
      human_img: 'https://shop.example/files/abc',
      crop: false,
      seed: 1,
    });
  });

  it('reads options strictly', () => {
    expect(parsePixazoOptions({ seed: '42', steps: '25', model_name: 'x' })).toEqual({ seed: 42, steps: 25 });
    expect(() => parsePixazoOptions({ seed: '-1' })).toThrow(/seed/);
    expect(() => parsePixazoOptions({ steps: '3000' })).toThrow(/steps/);
  });

  it('maps the one documented word (succeeded), tells failure by error, and reads any other word as running', () => {
    expect(mapPixazoPrediction({ status: 'starting' })).toEqual({ status: 'processing', unknownWord: 'starting' });
    expect(mapPixazoPrediction({ status: 'processing' })).toEqual({ status: 'processing', unknownWord: 'processing' });
    expect(mapPixazoPrediction({ status: 'completed', output: 'https://cdn.x/r.png' }).status).toBe('processing');
    expect(mapPixazoPrediction({ status: 'weird' })).toEqual({ status: 'processing', unknownWord: 'weird' });
    expect(mapPixazoPrediction({ status: 'failed', error: 'garment image could not be downloaded' }).error!.code).toBe('garment_rejected');
    expect(mapPixazoPrediction({ status: 'succeeded', output: 'https://cdn.x/r.png' })).toEqual({
      status: 'completed',
      images: ['https://cdn.x/r.png'],
    });
    expect(mapPixazoPrediction({ status: 'succeeded', output: ['https://cdn.x/a.png'] }).images).toEqual(['https://cdn.x/a.png']);
    expect(() => mapPixazoPrediction({ status: 'succeeded', output: null })).toThrow(ProviderError);
    expect(readPixazoSubmit({ id: 'zdj7x' })).toBe('zdj7x');
    expect(() => readPixazoSubmit({ success: true })).toThrow(ProviderError);
  });

  it('tells a refused image from our own mistake', () => {
    expect(pixazoRefusal('Invalid request parameters: human_img could not be downloaded', 400)).toMatchObject({
      kind: 'rejected',
      code: 'photo_rejected',
    });
    expect(pixazoRefusal('Invalid request parameters: category must be one of ...', 400)).toMatchObject({
      kind: 'bad_response',
      providerStatus: 400,
    });
    expect(mapPixazoFailure(undefined).code).toBe('generation_failed');
  });
});
