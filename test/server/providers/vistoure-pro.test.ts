import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeProvider } from '../../fakes/common.ts';
import type { TestContext } from '../../fakes/context.ts';
import { startFakeVistoure } from '../../fakes/vistoure.ts';
import { photoBytes, pollUntilDone, recordedFailures, resetFake, smallPhotoInput, startFakeAndContext, withOptions } from './harness.ts';
import type { JobState, ProviderContext, SubmitInput } from '../../../src/server/providers/types.ts';
import {
  parseVistoureProOptions,
  toProGarmentSize,
  vistoureProAdapter,
  vistoureProRunBody,
} from '../../../src/server/providers/vistoure-pro.ts';

const KEY = 'vst_live_pro_4c3b2a19secret';
const WRONG_KEY = 'vst_live_pro_wrong_000000000';

let fake: FakeProvider;
let t: TestContext;
let garmentUrl: string;
/** Every ProviderError seen, to prove the key never appears in one. */
const { seen: seenErrors, failure } = recordedFailures();

const input = (overrides: Partial<SubmitInput> = {}): SubmitInput => smallPhotoInput({ garmentUrl, ref: 'ref-shopper-pro' }, overrides);
const ctxWith = (options: Record<string, string>, apiKey = KEY): ProviderContext => withOptions(t.ctx, options, apiKey);

const untilDone = (jobId: string, ctx: ProviderContext = t.ctx): Promise<JobState> => pollUntilDone(vistoureProAdapter, jobId, ctx);

beforeAll(async () => {
  ({ fake, t, garmentUrl } = await startFakeAndContext(startFakeVistoure, KEY));
});

afterAll(async () => {
  await fake.close();
  await t.close();
});

beforeEach(() => resetFake(fake, { queuedMs: 40, processingMs: 80 }));

describe('vistoure-pro adapter against the fake', () => {
  it('runs a Pro try-on on the pro routes to a fetchable PNG', async () => {
    const { jobId } = await vistoureProAdapter.submit(input(), t.ctx);
    expect(jobId).toMatch(/^gen_pro_/);
    const state = await untilDone(jobId);
    expect(state.status).toBe('completed');
    const response = await fetch(state.images![0]!);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await response.arrayBuffer()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(fake.count('pro-run')).toBe(1);
    expect(fake.count('run')).toBe(0);
    expect(fake.count('status')).toBe(0);
    expect(fake.count('pro-status')).toBeGreaterThanOrEqual(1);
  });

  it("Pro Fit drapes the shopper's chosen size, mapped to S/M/L/XL", async () => {
    const ctx = ctxWith({ model_name: 'Pro Fit', aspect_ratio: '1:1' });
    const medium = await vistoureProAdapter.submit(input({ size: 'Medium' }), ctx);
    expect(fake.jobs.get(medium.jobId)!.input).toMatchObject({ model_name: 'Pro Fit', garment_size: 'M', aspect_ratio: '1:1' });
    const xxl = await vistoureProAdapter.submit(input({ size: 'XXL' }), ctx);
    expect(fake.jobs.get(xxl.jobId)!.input.garment_size).toBe('XL');
    // A numeric size has no honest letter: Pro Fit runs with its own default instead.
    const numeric = await vistoureProAdapter.submit(input({ size: '38' }), ctx);
    expect(fake.jobs.get(numeric.jobId)!.input).not.toHaveProperty('garment_size');
    expect((await untilDone(medium.jobId, ctx)).status).toBe('completed');
  });

  it('a second product for the same shopper costs one run and no other call', async () => {
    const first = await vistoureProAdapter.submit(input(), t.ctx);
    await untilDone(first.jobId);
    const second = await vistoureProAdapter.submit(input({ category: 'accessory' }), t.ctx);
    expect((await untilDone(second.jobId)).status).toBe('completed');
    expect(fake.count('pro-run')).toBe(2);
    expect(fake.count()).toBe(2 + fake.count('pro-status'));
  });

  it('maps categories to the Pro words and leaves out shoes', async () => {
    expect(vistoureProAdapter.categories).toEqual({
      top: 'top',
      outerwear: 'top',
      bottom: 'bottom',
      dress: 'dress',
      full: 'dress',
      watch: 'accessory',
      glasses: 'accessory',
      hat: 'accessory',
      bag: 'accessory',
      jewelry: 'accessory',
      accessory: 'accessory',
    });
    expect(vistoureProAdapter.categories.shoes).toBeUndefined();
    const { jobId } = await vistoureProAdapter.submit(input({ category: 'dress' }), t.ctx);
    expect(fake.jobs.get(jobId)!.input.category).toBe('dress');
  });

  it('refuses bad options before any provider call', async () => {
    const model = await vistoureProAdapter.submit(input(), ctxWith({ model_name: 'Turbo' })).catch((e: unknown) => e);
    const ratio = await vistoureProAdapter.submit(input(), ctxWith({ aspect_ratio: 'wide' })).catch((e: unknown) => e);
    seenErrors.push(model, ratio);
    expect(String(model)).toMatch(/"model_name": expected one of "Pro", "Pro Fit"/);
    expect(String(ratio)).toMatch(/"aspect_ratio"/);
    expect(fake.count()).toBe(0);
  });

  it('a wrong key is an auth error', async () => {
    expect((await failure(vistoureProAdapter.submit(input(), ctxWith({}, WRONG_KEY)))).kind).toBe('auth');
  });

  it('a 429 with Retry-After: 1 once is waited out: exactly two run calls', async () => {
    fake.inject('pro-run', { kind: 'status', status: 429, retryAfter: 1 });
    const { jobId } = await vistoureProAdapter.submit(input(), t.ctx);
    expect(fake.count('pro-run')).toBe(2);
    expect((await untilDone(jobId)).status).toBe('completed');
  });

  it('429 forever is busy with retryAfterSec', async () => {
    fake.inject('pro-run', { kind: 'status', status: 429, retryAfter: 1 }, 50);
    const error = await failure(vistoureProAdapter.submit(input(), t.ctx));
    expect(error).toMatchObject({ kind: 'busy', retryAfterSec: 1 });
  });

  it('a 500 on run is unavailable after exactly one call', async () => {
    fake.inject('pro-run', { kind: 'status', status: 500 }, 5);
    expect((await failure(vistoureProAdapter.submit(input(), t.ctx))).kind).toBe('unavailable');
    expect(fake.count('pro-run')).toBe(1);
  });

  it('a 500 once on status is retried', async () => {
    const { jobId } = await vistoureProAdapter.submit(input(), t.ctx);
    fake.inject('pro-status', { kind: 'status', status: 500 });
    await vistoureProAdapter.status(jobId, t.ctx);
    expect(fake.count('pro-status')).toBe(2);
    expect((await untilDone(jobId)).status).toBe('completed');
  });

  it('malformed JSON is bad_response', async () => {
    fake.inject('pro-run', { kind: 'malformed' });
    expect((await failure(vistoureProAdapter.submit(input(), t.ctx))).kind).toBe('bad_response');
    const { jobId } = await vistoureProAdapter.submit(input(), t.ctx);
    fake.inject('pro-status', { kind: 'malformed' });
    expect((await failure(vistoureProAdapter.status(jobId, t.ctx))).kind).toBe('bad_response');
  });

  it('a failed run becomes our code and message', async () => {
    fake.nextJobFailure = 'Unsupported pose: arms crossed (detector rev 31)';
    const { jobId } = await vistoureProAdapter.submit(input(), t.ctx);
    const state = await untilDone(jobId);
    expect(state).toMatchObject({ status: 'failed', error: { code: 'pose_unsupported' } });
    expect(state.error!.message).not.toMatch(/arms crossed|detector/);
  });

  it('a Try-On run id is unknown on the Pro status route', async () => {
    expect((await failure(vistoureProAdapter.status('gen_1abc', t.ctx))).kind).toBe('not_found');
  });

  it('the key never appears in any error message', () => {
    expect(seenErrors.length).toBeGreaterThanOrEqual(8);
    for (const error of seenErrors) {
      const e = error as Error;
      const text = [e.message, String(e), e.stack ?? '', String(e.cause ?? ''), JSON.stringify(e)].join('\n');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(WRONG_KEY);
    }
  });
});

describe('vistoure-pro pure mapping', () => {
  it('maps size labels to Pro Fit sizes', () => {
    const table: [string | undefined, string | undefined][] = [
      ['S', 'S'],
      ['xs', 'S'],
      ['Small', 'S'],
      ['m', 'M'],
      ['Medium', 'M'],
      ['L', 'L'],
      ['large', 'L'],
      ['XL', 'XL'],
      ['X-Large', 'XL'],
      ['Extra Large', 'XL'],
      ['2XL', 'XL'],
      ['XXXL', 'XL'],
      ['38', undefined],
      ['W32/L34', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [label, size] of table) expect([label, toProGarmentSize(label)]).toEqual([label, size]);
  });

  it('sends garment_size only with Pro Fit', () => {
    const base: SubmitInput = {
      photo: { bytes: photoBytes, type: 'image/png', width: 60, height: 80, ref: 'r' },
      garmentUrl: 'https://cdn.example/shirt.png',
      category: 'top',
      size: 'L',
    };
    expect(vistoureProRunBody(base, { modelName: 'Pro Fit' })).toMatchObject({ model_name: 'Pro Fit', garment_size: 'L' });
    expect(vistoureProRunBody(base, { modelName: 'Pro' })).not.toHaveProperty('garment_size');
    expect(vistoureProRunBody(base, {})).not.toHaveProperty('garment_size');
    expect(vistoureProRunBody(base, {})).not.toHaveProperty('model_name');
    expect(vistoureProRunBody({ ...base, category: 'accessory' }, {}).category).toBe('accessory');
    expect(() => vistoureProRunBody({ ...base, category: 'shoes' }, {})).toThrow(/shoes/);
  });

  it('reads options strictly', () => {
    expect(parseVistoureProOptions({ model_name: 'Pro Fit', aspect_ratio: '3:4' })).toEqual({ modelName: 'Pro Fit', aspectRatio: '3:4' });
    expect(parseVistoureProOptions({ aspect_ratio: 'match_input_image' }).aspectRatio).toBe('match_input_image');
    expect(parseVistoureProOptions({ seed: '9' })).toEqual({});
    expect(() => parseVistoureProOptions({ model_name: 'pro fit' })).toThrow(/model_name/);
    expect(() => parseVistoureProOptions({ aspect_ratio: '3/4' })).toThrow(/aspect_ratio/);
  });
});
