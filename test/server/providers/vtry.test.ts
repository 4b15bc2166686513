import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATEGORIES, type Category } from '../../../src/protocol.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import type { JobState, ProviderContext, SubmitInput } from '../../../src/server/providers/types.ts';
import { MemoryStore } from '../../../src/server/store/store.ts';
import {
  VTRY_PREPARE_DEADLINE_MS,
  cleanDescription,
  clothesForm,
  findClothId,
  formatJobId,
  generationBody,
  mapGenerationJob,
  mapVtryFailure,
  parseJobId,
  personForm,
  readPersonId,
  readRequestId,
  readVtryJob,
  staleIds,
  vtryAdapter,
  vtryCategories,
  vtryKeys,
  vtryModel,
} from '../../../src/server/providers/vtry.ts';
import { makePng, resultPng } from '../../fakes/common.ts';
import { createTestContext, type TestContext } from '../../fakes/context.ts';
import { startFakeVtry, type VtryFake } from '../../fakes/vtry.ts';
import { providerError as expectProviderError } from './harness.ts';

const API_KEY = 'vtry_live_sk_9f8e7d6c5b4a3210';
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const photoBytes = new Uint8Array(makePng(64, 96, (x, y) => [x * 3, y * 2, 90]));
const garmentBytes = new Uint8Array(makePng(40, 40, (x) => [200, x * 5, 30]));

let fake: VtryFake;
let tc: TestContext;
let ctx: ProviderContext;
/** The product most tests try on, one URL per test. */
let defaultGarment: string;

beforeEach(async () => {
  fake = await startFakeVtry({ apiKey: API_KEY });
  fake.timing = { queuedMs: 50, processingMs: 100 };
  tc = await createTestContext({ baseUrl: fake.url, apiKey: API_KEY });
  ctx = tc.ctx;
  defaultGarment = await garment();
});

afterEach(async () => {
  await fake.close();
  await tc.close();
});

/** A garment image the fake can really fetch (the endpoint's loopback file host). */
const garment = (bytes = garmentBytes) => ctx.publishFile(bytes, 'image/png', 60_000);

async function input(init: Partial<SubmitInput> & { ref?: string; bytes?: Uint8Array } = {}): Promise<SubmitInput> {
  return {
    photo: { bytes: init.bytes ?? photoBytes, type: 'image/png', width: 64, height: 96, ref: init.ref ?? 'ref-shopper-1' },
    garmentUrl: init.garmentUrl ?? defaultGarment,
    category: init.category ?? 'top',
    ...(init.garmentDescription ? { garmentDescription: init.garmentDescription } : {}),
  };
}

/** Polls like the handler does (faster, for tests) until the job is done; every state seen. */
async function settle(jobId: string, context = ctx, maxMs = 10_000): Promise<{ final: JobState; seen: JobState['status'][] }> {
  const seen: JobState['status'][] = [];
  const deadline = Date.now() + maxMs;
  for (;;) {
    const state = await vtryAdapter.status(jobId, context);
    seen.push(state.status);
    if (state.status === 'completed' || state.status === 'failed') return { final: state, seen };
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state.status} after ${maxMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The ProviderError a promise rejects with; the key must not be anywhere in it. */
const providerError = (promise: Promise<unknown>): Promise<ProviderError> => expectProviderError(promise, API_KEY);

describe('vtry adapter against its fake', () => {
  it('prepares person and garment, generates, and returns a fetchable PNG', async () => {
    const garmentUrl = await garment();
    const submitted = await vtryAdapter.submit(await input({ garmentUrl, garmentDescription: 'Linen shirt' }), ctx);
    expect(submitted.jobId).toMatch(/^p:/);
    expect(submitted.state).toEqual({ status: 'queued' });
    // submit only started the preparation: nothing waited, no generation yet.
    expect(fake.count('generation-create')).toBe(0);

    const { final, seen } = await settle(submitted.jobId);
    expect(final.status).toBe('completed');
    expect(seen).toContain('queued');
    // Monotonic: once processing, never back to queued.
    expect(seen.slice(seen.indexOf('processing') >= 0 ? seen.indexOf('processing') : seen.length)).not.toContain('queued');
    const image = await fetch(final.images![0]!);
    expect(image.status).toBe(200);
    expect([...new Uint8Array(await image.arrayBuffer()).subarray(0, 4)]).toEqual(PNG_MAGIC);

    // The person really holds the shopper's bytes, the clothes item the merchant's image.
    const [person] = [...fake.persons.values()];
    expect(person!.images[0]!.bytes).toEqual(photoBytes);
    const [cloth] = [...fake.clothes.values()];
    expect(cloth!.image.bytes).toEqual(garmentBytes);
    expect(cloth!.sourceUrl).toBe(garmentUrl);
    const [generation] = fake.jobsOf('generation');
    const body = generation!.input.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'NanoBanana', personId: person!.id, clothesIds: [cloth!.id], numImages: 1 });
    expect(body.prompt).toContain('Linen shirt');
    expect(fake.count('person-create')).toBe(1);
    expect(fake.count('compose')).toBe(1);
    expect(fake.count('clothes-create')).toBe(1);
    expect(fake.count('generation-create')).toBe(1);
  });

  it('reuses the composed person for a second product and the clothes id per garment URL', async () => {
    const first = await vtryAdapter.submit(await input(), ctx);
    expect((await settle(first.jobId)).final.status).toBe('completed');

    // Same shopper, another product: no second create or compose.
    const otherGarment = await garment(new Uint8Array(makePng(30, 30, () => [1, 2, 3])));
    const second = await vtryAdapter.submit(await input({ garmentUrl: otherGarment }), ctx);
    expect((await settle(second.jobId)).final.status).toBe('completed');
    expect(fake.count('person-create')).toBe(1);
    expect(fake.count('compose')).toBe(1);
    expect(fake.count('clothes-create')).toBe(2);

    // Same shopper, a garment already added: submit queues the generation straight away.
    fake.resetCalls();
    const third = await vtryAdapter.submit(await input({ garmentUrl: otherGarment }), ctx);
    expect(third.jobId).toMatch(/^g:/);
    expect(fake.count()).toBe(1);
    expect(fake.count('generation-create')).toBe(1);
    expect((await settle(third.jobId)).final.status).toBe('completed');

    // Another shopper (another photo), same garment: a new person, but the clothes item is shared.
    fake.resetCalls();
    const otherPhoto = new Uint8Array(makePng(64, 96, (x, y) => [x * 3, y * 2, 200]));
    const fourth = await vtryAdapter.submit(await input({ ref: 'ref-shopper-2', bytes: otherPhoto, garmentUrl: otherGarment }), ctx);
    expect((await settle(fourth.jobId)).final.status).toBe('completed');
    expect(fake.count('person-create')).toBe(1);
    expect(fake.count('clothes-create')).toBe(0);
    expect(fake.persons.size).toBe(2);
    expect(fake.clothes.size).toBe(2);
  });

  it('a second product submitted while the first is still composing reuses the same compose', async () => {
    const [a, b] = await Promise.all([
      vtryAdapter.submit(await input(), ctx),
      vtryAdapter.submit(await input({ garmentUrl: await garment(new Uint8Array(makePng(20, 20, () => [9, 9, 9]))) }), ctx),
    ]);
    expect(fake.count('person-create')).toBe(1);
    expect(fake.count('compose')).toBe(1);
    const [ra, rb] = await Promise.all([settle(a.jobId), settle(b.jobId)]);
    expect(ra.final.status).toBe('completed');
    expect(rb.final.status).toBe('completed');
    expect(fake.jobsOf('generation')).toHaveLength(2);
  });

  it('concurrent polls of one job start its generation exactly once', async () => {
    const { jobId } = await vtryAdapter.submit(await input(), ctx);
    await new Promise((r) => setTimeout(r, 200)); // compose and clothes done
    const states = await Promise.all([1, 2, 3, 4].map(() => vtryAdapter.status(jobId, ctx)));
    expect(states.every((s) => s.status === 'queued')).toBe(true);
    expect(fake.count('generation-create')).toBe(1);
    expect((await settle(jobId)).final.status).toBe('completed');
    expect(fake.jobsOf('generation')).toHaveLength(1);
  });

  it('maps every category (Vtry can do them all) and frames full-body items head to toe', async () => {
    expect(Object.keys(vtryAdapter.categories).sort()).toEqual([...CATEGORIES].sort());
    const shoes = await vtryAdapter.submit(await input({ category: 'shoes' }), ctx);
    expect((await settle(shoes.jobId)).final.status).toBe('completed');
    const top = await vtryAdapter.submit(await input({ category: 'top' }), ctx);
    expect(top.jobId).toMatch(/^g:/);
    const [shoesJob, topJob] = fake.jobsOf('generation');
    expect(shoesJob!.input.body).toMatchObject({ composition: 'full-body head-to-toe shot' });
    expect(String((shoesJob!.input.body as { prompt: string }).prompt)).toContain('shoes');
    expect(topJob!.input.body).not.toHaveProperty('composition');
  });

  it("uses NanoBanana2 when configured, and a free plan refusing it is the merchant's auth problem", async () => {
    ctx.options = { model: 'NanoBanana2' };
    fake.plan = 'free';
    const error = await providerError(vtryAdapter.submit(await input(), ctx));
    expect(error.kind).toBe('auth');
    expect(error.providerStatus).toBe(403);
    fake.plan = 'pro';
    const { jobId } = await vtryAdapter.submit(await input({ ref: 'ref-other' }), ctx);
    expect((await settle(jobId)).final.status).toBe('completed');
    expect(fake.jobsOf('generation')[0]!.input.body).toMatchObject({ model: 'NanoBanana2' });
    ctx.options = { model: 'Banana3' };
    await expect(vtryAdapter.submit(await input(), ctx)).rejects.toThrow(/NanoBanana, NanoBanana2/);
  });

  it('forgetPhoto deletes the person at Vtry and the remembered id', async () => {
    const { jobId } = await vtryAdapter.submit(await input(), ctx);
    await settle(jobId);
    expect(fake.persons.size).toBe(1);
    await vtryAdapter.forgetPhoto!('ref-shopper-1', ctx);
    expect(fake.persons.size).toBe(0);
    expect(await ctx.store.get(vtryKeys.person('ref-shopper-1'))).toBeUndefined();
  });

  it('redoes the preparation when Vtry no longer knows a remembered person', async () => {
    const first = await vtryAdapter.submit(await input(), ctx);
    await settle(first.jobId);
    fake.persons.clear(); // deleted in Vtry's dashboard
    const second = await vtryAdapter.submit(await input(), ctx);
    expect(second.jobId).toMatch(/^p:/);
    expect((await settle(second.jobId)).final.status).toBe('completed');
    expect(fake.count('person-create')).toBe(2);
    // The clothes item was still good: not added again.
    expect(fake.count('clothes-create')).toBe(1);
  });

  it('a job whose store entry is lost reads as expired, never starting a second generation', async () => {
    const { jobId } = await vtryAdapter.submit(await input(), ctx);
    const restarted = { ...ctx, store: new MemoryStore() };
    const error = await providerError(vtryAdapter.status(jobId, restarted));
    expect(error.kind).toBe('not_found');
    expect(fake.count('generation-create')).toBe(0);
    await expect(vtryAdapter.status('nonsense', ctx)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('gives up on a preparation that outlives the deadline', async () => {
    fake.timing = { queuedMs: 60_000, processingMs: 1000 };
    const { jobId } = await vtryAdapter.submit(await input(), ctx);
    expect(await vtryAdapter.status(jobId, ctx)).toEqual({ status: 'queued' });
    const key = vtryKeys.job(jobId.slice(2));
    const record = JSON.parse((await ctx.store.get(key))!) as { at: number };
    record.at -= VTRY_PREPARE_DEADLINE_MS + 1000;
    await ctx.store.set(key, JSON.stringify(record), 60_000);
    const state = await vtryAdapter.status(jobId, ctx);
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('provider_timeout');
    expect(fake.count('generation-create')).toBe(0);
  });
});

describe('vtry rate limits', () => {
  it('keeps a prepared job queued while all generation slots are taken, then starts it once', async () => {
    fake.limits.concurrency = 1;
    fake.timing = { queuedMs: 50, processingMs: 400 };
    const a = await vtryAdapter.submit(await input({ ref: 'shopper-a' }), ctx);
    const b = await vtryAdapter.submit(await input({ ref: 'shopper-b', bytes: new Uint8Array(makePng(64, 96, () => [7, 8, 9])) }), ctx);
    const [ra, rb] = await Promise.all([settle(a.jobId), settle(b.jobId)]);
    expect(ra.final.status).toBe('completed');
    expect(rb.final.status).toBe('completed');
    expect(fake.limited.get('generation-create') ?? 0).toBeGreaterThanOrEqual(1);
    // Every 429 was retried on a later poll, and each job has exactly one generation.
    expect(fake.jobsOf('generation')).toHaveLength(2);
    expect(fake.count('generation-create')).toBe(2 + fake.limited.get('generation-create')!);
  });

  it("waits out the generate limit's Retry-After inside submit when the job is ready to go", async () => {
    const first = await vtryAdapter.submit(await input(), ctx);
    await settle(first.jobId);
    fake.inject('generation-create', { kind: 'status', status: 429, retryAfter: 1 });
    const second = await vtryAdapter.submit(await input(), ctx);
    expect(second.jobId).toMatch(/^g:/);
    expect(fake.count('generation-create')).toBe(3); // first job's, the 429, the retry
    expect(fake.jobsOf('generation')).toHaveLength(2);
  });

  it("queues a ready job for its polls when the generate limit outlasts submit's patience", async () => {
    await settle((await vtryAdapter.submit(await input(), ctx)).jobId);
    fake.resetCalls();
    // Longer than the shared busy budget: providerFetch gives up at once.
    fake.inject('generation-create', { kind: 'status', status: 429, retryAfter: 30 });
    const second = await vtryAdapter.submit(await input(), ctx);
    expect(second.jobId).toMatch(/^p:/);
    expect(second.state).toEqual({ status: 'queued' });
    expect(fake.count()).toBe(1);
    expect((await settle(second.jobId)).final.status).toBe('completed');
    expect(fake.count('generation-create')).toBe(2);
    expect(fake.count('person-create') + fake.count('compose') + fake.count('clothes-create')).toBe(0);
    expect(fake.jobsOf('generation')).toHaveLength(2);
  });
});

describe('vtry faults', () => {
  it('401 (wrong key) is auth, and no upload happened', async () => {
    const bad = await createTestContext({ baseUrl: fake.url, apiKey: 'wrong-key' });
    try {
      const error = await providerError(vtryAdapter.submit(await input(), bad.ctx));
      expect(error.kind).toBe('auth');
      expect(error.providerStatus).toBe(401);
      expect(fake.persons.size).toBe(0);
    } finally {
      await bad.close();
    }
  });

  it('429 with Retry-After: 1 once is retried and succeeds with exactly 2 submit calls', async () => {
    fake.inject('person-create', { kind: 'status', status: 429, retryAfter: 1 });
    const started = Date.now();
    const { jobId } = await vtryAdapter.submit(await input(), ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.count('person-create')).toBe(2);
    expect(fake.persons.size).toBe(1);
    expect((await settle(jobId)).final.status).toBe('completed');
  });

  it('429 forever is busy with retryAfterSec', async () => {
    fake.inject('person-create', { kind: 'status', status: 429, retryAfter: 1 }, 10);
    const error = await providerError(vtryAdapter.submit(await input(), ctx));
    expect(error.kind).toBe('busy');
    expect(error.retryAfterSec).toBe(1);
    expect(fake.count('compose')).toBe(0);
  });

  it('500 on submit is unavailable after exactly ONE call (never charged twice)', async () => {
    fake.inject('person-create', { kind: 'status', status: 500 });
    const error = await providerError(vtryAdapter.submit(await input(), ctx));
    expect(error.kind).toBe('unavailable');
    expect(fake.count('person-create')).toBe(1);
    expect(fake.count()).toBe(1);
  });

  it('500 on the paid compose is ONE call, and a retry reuses the uploaded person', async () => {
    fake.inject('compose', { kind: 'status', status: 500 });
    const error = await providerError(vtryAdapter.submit(await input(), ctx));
    expect(error.kind).toBe('unavailable');
    expect(fake.count('compose')).toBe(1);
    const { jobId } = await vtryAdapter.submit(await input(), ctx);
    expect(fake.count('person-create')).toBe(1);
    expect((await settle(jobId)).final.status).toBe('completed');
  });

  it('500 on a generation started from submit is ONE call', async () => {
    await settle((await vtryAdapter.submit(await input(), ctx)).jobId);
    fake.resetCalls();
    fake.inject('generation-create', { kind: 'status', status: 500 });
    const error = await providerError(vtryAdapter.submit(await input(), ctx));
    expect(error.kind).toBe('unavailable');
    expect(fake.count('generation-create')).toBe(1);
  });

  it('500 on a generation started from a poll is ONE call; later polls report it failed', async () => {
    const { jobId } = await vtryAdapter.submit(await input(), ctx);
    await new Promise((r) => setTimeout(r, 200));
    fake.inject('generation-create', { kind: 'status', status: 500 });
    const error = await providerError(vtryAdapter.status(jobId, ctx));
    expect(error.kind).toBe('unavailable');
    const later = await vtryAdapter.status(jobId, ctx);
    expect(later).toMatchObject({ status: 'failed', error: { code: 'generation_failed' } });
    expect(fake.count('generation-create')).toBe(1);
  });

  it('500 once on status is retried and the job completes', async () => {
    await settle((await vtryAdapter.submit(await input(), ctx)).jobId);
    const { jobId } = await vtryAdapter.submit(await input(), ctx);
    fake.resetCalls();
    fake.inject('job-status', { kind: 'status', status: 500 });
    const { final } = await settle(jobId);
    expect(final.status).toBe('completed');
    expect(fake.count('job-status')).toBeGreaterThanOrEqual(2);
    expect(fake.count('generation-create')).toBe(0);
  });

  it('malformed JSON is bad_response, on submit and on status', async () => {
    fake.inject('person-create', { kind: 'malformed' });
    expect((await providerError(vtryAdapter.submit(await input(), ctx))).kind).toBe('bad_response');
    await settle((await vtryAdapter.submit(await input({ ref: 'r2' }), ctx)).jobId);
    const { jobId } = await vtryAdapter.submit(await input({ ref: 'r2' }), ctx);
    fake.inject('job-status', { kind: 'malformed' });
    expect((await providerError(vtryAdapter.status(jobId, ctx))).kind).toBe('bad_response');
  });

  it('a failed generation maps to our code and message, never the provider text', async () => {
    fake.nextFailure.generation = 'NSFW content detected by upstream safety checker (fal-ai/nano-banana trace 8812)';
    const { final } = await settle((await vtryAdapter.submit(await input(), ctx)).jobId);
    expect(final.status).toBe('failed');
    expect(final.error?.code).toBe('moderation_blocked');
    expect(final.error?.message).not.toMatch(/fal-ai|trace|NSFW/);
  });

  it('a compose refused for the photo fails the job, and the photo is then refused without a charge', async () => {
    fake.nextFailure.compose = 'No person detected in the reference image';
    const { final } = await settle((await vtryAdapter.submit(await input(), ctx)).jobId);
    expect(final).toMatchObject({ status: 'failed', error: { code: 'photo_rejected' } });
    expect(fake.count('generation-create')).toBe(0);
    const error = await providerError(vtryAdapter.submit(await input(), ctx));
    expect(error).toMatchObject({ kind: 'rejected', code: 'photo_rejected' });
    expect(fake.count('compose')).toBe(1);
  });

  it('a garment URL Vtry cannot fetch fails the job as garment_rejected', async () => {
    const gone = `${fake.url}/__fake/files/clothes/nowhere.png`;
    const { final } = await settle((await vtryAdapter.submit(await input({ garmentUrl: gone }), ctx)).jobId);
    expect(final).toMatchObject({ status: 'failed', error: { code: 'garment_rejected' } });
    expect(fake.count('generation-create')).toBe(0);
    // The failed garment is forgotten, so a later try adds it afresh.
    const again = await vtryAdapter.submit(await input({ garmentUrl: gone }), ctx);
    expect(again.jobId).toMatch(/^p:/);
    expect(fake.count('clothes-create')).toBe(2);
  });
});

describe('vtry pure mapping', () => {
  it('reads the four documented words in capitals and nothing else; an unlisted word reads as running', () => {
    expect(readVtryJob({ status: 'QUEUED' }).status).toBe('queued');
    expect(readVtryJob({ status: 'PROCESSING' }).status).toBe('processing');
    expect(readVtryJob({ status: 'IN_PROGRESS' })).toEqual({ status: 'processing', unknownWord: 'IN_PROGRESS' });
    expect(readVtryJob({ status: 'completed', imageUrl: 'https://x/y.jpg' })).toEqual({ status: 'processing', unknownWord: 'completed' });
    expect(readVtryJob({ status: 'COMPLETED', imageUrl: 'https://x/y.jpg', imageKey: 'g/y.jpg', error: null })).toEqual({
      status: 'completed',
      imageUrl: 'https://x/y.jpg',
      imageKey: 'g/y.jpg',
    });
    expect(readVtryJob({ status: 'FAILED', error: { code: 'upstream', message: 'pose not found' } }).errorText).toBe(
      'upstream pose not found',
    );
    expect(readVtryJob({ status: 'DONE' })).toEqual({ status: 'processing', unknownWord: 'DONE' });
    expect(() => readVtryJob(null)).toThrow(ProviderError);
  });

  it('maps a generation job to our state', () => {
    expect(mapGenerationJob({ status: 'completed', imageUrl: 'https://r/1.png' })).toEqual({
      status: 'completed',
      images: ['https://r/1.png'],
    });
    expect(() => mapGenerationJob({ status: 'completed' })).toThrow(/imageUrl/);
    expect(mapGenerationJob({ status: 'failed', errorText: 'garment could not be segmented' }).error?.code).toBe('garment_rejected');
  });

  it('maps failure text to stable codes, blaming "the image" on the stage that read it', () => {
    const code = (stage: 'person' | 'clothes' | 'generation', text?: string) => mapVtryFailure(stage, text).code;
    expect(code('generation', 'Unsupported pose')).toBe('pose_unsupported');
    expect(code('generation', 'Flagged by content policy')).toBe('moderation_blocked');
    expect(code('person', 'No face detected')).toBe('photo_rejected');
    expect(code('generation', 'clothes item is invalid')).toBe('garment_rejected');
    expect(code('person', 'Could not decode image')).toBe('photo_rejected');
    expect(code('clothes', 'Failed to download image from imageUrl (HTTP 404)')).toBe('garment_rejected');
    expect(code('generation', 'Could not decode image')).toBe('generation_failed');
    expect(code('generation', 'upstream 502 from worker-7')).toBe('generation_failed');
    expect(code('generation', undefined)).toBe('generation_failed');
    expect(mapVtryFailure('generation', 'worker-7 stack trace').message).not.toContain('worker-7');
  });

  it('finds the clothes id by stored image (ignoring signatures), by key, then by source URL', () => {
    const page = {
      clothes: [
        { id: 'cl_new', imageUrl: 'https://cdn.vtry/clothes/w/cl_new.png?sig=aaa', sourceUrl: 'https://shop/a.png' },
        { id: 'cl_old', imageUrl: 'https://cdn.vtry/clothes/w/cl_old.png?sig=bbb', sourceUrl: 'https://shop/b.png' },
      ],
    };
    expect(findClothId(page, { imageUrl: 'https://cdn.vtry/clothes/w/cl_old.png?sig=zzz' }, 'https://shop/a.png')).toBe('cl_old');
    expect(findClothId(page, { imageKey: 'clothes/w/cl_new.png' }, 'https://shop/none.png')).toBe('cl_new');
    expect(findClothId(page, {}, 'https://shop/b.png')).toBe('cl_old');
    expect(findClothId(page, {}, 'https://shop/c.png')).toBeUndefined();
    expect(() => findClothId({ items: [] }, {}, 'https://shop/a.png')).toThrow(ProviderError);
  });

  it('formats and parses job ids, refusing anything else', () => {
    expect(parseJobId(formatJobId({ kind: 'generation', requestId: 'req_123' }))).toEqual({
      kind: 'generation',
      requestId: 'req_123',
    });
    expect(parseJobId(formatJobId({ kind: 'prepare', nonce: 'abc123' }))).toEqual({ kind: 'prepare', nonce: 'abc123' });
    expect(parseJobId('req_123')).toBeUndefined();
    expect(parseJobId('g:../me')).toBeUndefined();
    expect(parseJobId(`g:${'x'.repeat(200)}`)).toBeUndefined();
  });

  it('builds the documented request bodies', () => {
    const clothes = clothesForm('https://shop.example/shirt.jpg');
    expect(clothes.get('mode')).toBe('direct');
    expect(clothes.get('imageUrl')).toBe('https://shop.example/shirt.jpg');
    expect(clothes.get('sourcePageUrl')).toBe('https://shop.example/shirt.jpg');
    expect(clothes.has('model')).toBe(false); // the doc forbids model in direct mode

    const person = personForm({ bytes: photoBytes, type: 'image/png' }, 'tryon-1');
    expect(person.get('name')).toBe('tryon-1');
    expect((person.get('files') as File).name).toBe('photo.png');
    expect((person.get('files') as File).size).toBe(photoBytes.byteLength);

    const body = generationBody({
      model: 'NanoBanana',
      personId: 'pr_1',
      clothId: 'cl_1',
      category: 'dress',
      description: ' Red\n dress ',
    });
    expect(body).toMatchObject({ model: 'NanoBanana', personId: 'pr_1', clothesIds: ['cl_1'], numImages: 1 });
    expect(body.prompt).toContain('selected dress (Red dress)');
    expect(body.composition).toBe('full-body head-to-toe shot');
    expect(body).not.toHaveProperty('resolution'); // NanoBanana takes none
  });

  it('reads ids from answers and refuses answers without them', () => {
    expect(readRequestId({ requestId: 'req_9', personId: 'pr_1' })).toBe('req_9');
    expect(() => readRequestId({ id: 'req_9' })).toThrow(ProviderError);
    expect(readPersonId({ person: { id: 'pr_abc123', name: 'alice' }, files: [] })).toBe('pr_abc123');
    expect(() => readPersonId({ person: {} })).toThrow(ProviderError);
  });

  it('reads the model option, the stale ids of a refusal, and tidies descriptions', () => {
    expect(vtryModel({})).toBe('NanoBanana');
    expect(vtryModel({ model: 'NanoBanana2' })).toBe('NanoBanana2');
    expect(() => vtryModel({ model: 'nanobanana' })).toThrow(/must be one of/);
    expect(staleIds('notFound Person not found')).toEqual({ person: true, cloth: false });
    expect(staleIds('notFound Clothes not found: cl_1')).toEqual({ person: false, cloth: true });
    expect(staleIds(undefined)).toEqual({ person: true, cloth: true });
    expect(cleanDescription('  a\tb\u0000c  ')).toBe('a b c');
    expect(cleanDescription('   ')).toBeUndefined();
    expect(cleanDescription('x'.repeat(500))).toHaveLength(120);
  });

  it('has a category word for each category it maps', () => {
    for (const category of CATEGORIES) expect(typeof vtryCategories[category as Category]).toBe('string');
  });
});

describe('vtry fake follows the doc', () => {
  const api = (path: string, init: RequestInit = {}, key: string | null = API_KEY, header: 'bearer' | 'x-api-key' = 'bearer') => {
    const headers = new Headers(init.headers);
    if (key !== null) {
      if (header === 'bearer') headers.set('authorization', `Bearer ${key}`);
      else headers.set('x-api-key', key);
    }
    return fetch(`${fake.url}${path}`, { ...init, headers });
  };

  it('accepts both documented auth headers and answers 401 in the documented shape otherwise', async () => {
    expect((await api('/api/v1/me')).status).toBe(200);
    const viaHeader = await api('/api/v1/me', {}, API_KEY, 'x-api-key');
    expect(viaHeader.status).toBe(200);
    expect(await viaHeader.json()).toMatchObject({ subscription: { planId: 'pro', status: 'active' } });
    const missing = await api('/api/v1/me', {}, null);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect((await api('/api/v1/me', { headers: { authorization: `Token ${API_KEY}` } }, null)).status).toBe(401);
  });

  it('validates clothes: mode values, one input, no model in direct mode', async () => {
    const form = new FormData();
    form.append('mode', 'direct');
    form.append('model', 'NanoBanana');
    form.append('imageUrl', 'https://example.com/a.jpg');
    const res = await api('/api/v1/clothes', { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'validationFailed', details: { fields: { model: expect.any(Array) } } } });
    const noMode = new FormData();
    noMode.append('mode', 'copy');
    const res2 = await api('/api/v1/clothes', { method: 'POST', body: noMode });
    expect(((await res2.json()) as { error: { details: { fields: object } } }).error.details.fields).toHaveProperty('mode');
    expect(res2.status).toBe(400);
  });

  it('refuses a generation for a person without a composite', async () => {
    const created = await api('/api/v1/persons', {
      method: 'POST',
      body: personForm({ bytes: photoBytes, type: 'image/png' }, 'Alice Smith'),
    });
    const { person } = (await created.json()) as { person: { id: string; name: string } };
    expect(person.name).toBe('alice-smith');
    const res = await api('/api/v1/generations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'NanoBanana', personId: person.id, clothesIds: ['cl_x'] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'personNotComposed' } });
  });

  it('moves jobs through QUEUED, PROCESSING, COMPLETED', async () => {
    const created = await api('/api/v1/persons', { method: 'POST', body: personForm({ bytes: photoBytes, type: 'image/png' }, 'bob') });
    const { person } = (await created.json()) as { person: { id: string } };
    const compose = await api(`/api/v1/persons/${person.id}/compose`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'NanoBanana' }),
    });
    const { requestId } = (await compose.json()) as { requestId: string };
    const read = async () => ((await (await api(`/api/v1/jobs/${requestId}`)).json()) as { status: string }).status;
    expect(await read()).toBe('QUEUED');
    await new Promise((r) => setTimeout(r, 80));
    expect(await read()).toBe('PROCESSING');
    await new Promise((r) => setTimeout(r, 120));
    expect(await read()).toBe('COMPLETED');
    expect(fake.persons.get(person.id)!.coverKey).not.toBeNull();
    expect((await api('/api/v1/jobs/req_unknown')).status).toBe(404);
  });

  it('holds the generate bucket to 10 a minute, with Retry-After', async () => {
    const compose = () =>
      api('/api/v1/persons/pr_missing/compose', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'NanoBanana' }),
      });
    for (let i = 0; i < 10; i++) expect((await compose()).status).toBe(404);
    const limited = await compose();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Other buckets are unaffected.
    expect((await api('/api/v1/me')).status).toBe(200);
  });

  it('serves a PNG result', async () => {
    const res = await fetch(`${fake.url}/__fake/results/x.png`);
    expect(Buffer.from(await res.arrayBuffer()).equals(resultPng)).toBe(true);
  });
});
