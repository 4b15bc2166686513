import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { makePng } from '../../fakes/common.ts';
import { createTestContext, type TestContext } from '../../fakes/context.ts';
import { startFakeVirtufit, type VirtuFitFake } from '../../fakes/virtufit.ts';
import { providerError as expectProviderError, pollUntilDone as pollJob, resetFake } from './harness.ts';
import { BASE, Clock, PROVIDER_SECRET, setup } from '../helpers.ts';
import { MemoryStore } from '../../../src/server/store/store.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import type { JobState, ProviderContext, SubmitInput } from '../../../src/server/providers/types.ts';
import {
  garmentUrlsField,
  generateFields,
  mapVirtufitFailure,
  mapVirtufitJob,
  readGenerateAnswer,
  verifyVirtufitSignature,
  VIRTUFIT_WEBHOOK_TOLERANCE_MS,
  virtufitAdapter,
  virtufitWebhookSecret,
  webhookUrlFor,
} from '../../../src/server/providers/virtufit.ts';

const API_KEY = 'vf_live_secret_key_abcdef';
const personPng = new Uint8Array(makePng(300, 400, (x, y) => [x % 256, y % 256, 90]));
const garmentPng = new Uint8Array(makePng(200, 200, (x) => [200, x % 256, 20]));

let fake: VirtuFitFake;
let t: TestContext;
let ctx: ProviderContext;
let garmentA: string;

function input(over: Partial<SubmitInput> = {}): SubmitInput {
  return {
    photo: { bytes: personPng, type: 'image/png', width: 300, height: 400, ref: 'ref-alice' },
    garmentUrl: garmentA,
    category: 'top',
    ...over,
  };
}

const pollUntilDone = (jobId: string): Promise<JobState> => pollJob(virtufitAdapter, jobId, ctx, { intervalMs: 40 });

/** The ProviderError a promise rejects with; the key must not be anywhere in it. */
const providerError = (promise: Promise<unknown>): Promise<ProviderError> => expectProviderError(promise, API_KEY);

beforeAll(async () => {
  fake = await startFakeVirtufit({ apiKey: API_KEY });
  fake.timing = { queuedMs: 60, processingMs: 120 };
  fake.webhookBackoffMs = [60, 120, 240];
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  // No public URL unless a test wants webhooks: the plain flow is polled.
  t = await createTestContext({ baseUrl: fake.url, apiKey: API_KEY, publicUrl: 'https://shop.example' });
  ctx = { ...t.ctx, publicUrl: undefined };
  garmentA = await ctx.publishFile(garmentPng, 'image/png', 60_000);
  resetFake(fake);
  fake.syncMode = false;
  fake.signaturePrefix = '';
  fake.deliveries.length = 0;
});
afterEach(async () => {
  await t.close();
});

describe('virtufit pure mapping', () => {
  it('maps every category to a documented swap_target', () => {
    expect(virtufitAdapter.categories).toEqual({
      top: 'top',
      bottom: 'bottom',
      dress: 'dress',
      full: 'full_outfit',
      outerwear: 'jacket',
      shoes: 'shoes',
      watch: 'watch',
      glasses: 'glasses',
      hat: 'hat',
      bag: 'bag',
      jewelry: 'jewelry',
      accessory: 'other',
    });
    // Every value is one of the document's swap_target words.
    const documented = ['full_outfit', 'top', 'bottom', 'dress', 'jacket', 'watch', 'glasses', 'shoes', 'hat', 'bag', 'jewelry', 'other'];
    expect(Object.values(virtufitAdapter.categories).every((word) => documented.includes(word!))).toBe(true);
    expect(virtufitAdapter.pollIntervalMs).toBe(2000);
  });

  it('builds the generate fields, keeping only documented tiers', () => {
    const fields = generateFields(
      { garmentUrl: 'https://cdn.shop/a,b.png', category: 'outerwear', garmentDescription: '  wool coat ' },
      { tier: 'pro' },
      { url: 'https://shop.example/webhooks/virtufit', secret: 's3' },
    );
    expect(fields).toEqual({
      garment_urls: 'https://cdn.shop/a%2Cb.png',
      swap_target: 'jacket',
      tier: 'pro',
      garment_description: 'wool coat',
      webhook_url: 'https://shop.example/webhooks/virtufit',
      webhook_secret: 's3',
    });
    const plain = generateFields({ garmentUrl: 'https://cdn.shop/x.png', category: 'full' }, { tier: 'ultra' });
    expect(plain).toEqual({ garment_urls: 'https://cdn.shop/x.png', swap_target: 'full_outfit' });
    expect(garmentUrlsField(['https://a/1', 'https://b/2'])).toBe('https://a/1,https://b/2');
  });

  it('offers a webhook only to https or loopback endpoints', () => {
    expect(webhookUrlFor('https://shop.example/api/try-on/')).toBe('https://shop.example/api/try-on/webhooks/virtufit');
    expect(webhookUrlFor('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/webhooks/virtufit');
    expect(webhookUrlFor('http://shop.example')).toBeUndefined();
    expect(webhookUrlFor(undefined)).toBeUndefined();
    expect(webhookUrlFor('not a url')).toBeUndefined();
  });

  it('reads both generate answers', () => {
    expect(readGenerateAnswer(202, { accepted: true, job_id: 'a-1', status: 'queued' })).toEqual({
      jobId: 'a-1',
      state: { status: 'queued' },
    });
    expect(
      readGenerateAnswer(200, { success: true, job_id: 'abc123', output_url: 'https://x/1', output_urls: ['https://x/1', 'https://x/2'] }),
    ).toEqual({
      jobId: 'abc123',
      state: { status: 'completed', images: ['https://x/1', 'https://x/2'] },
    });
    expect(readGenerateAnswer(200, { success: true, job_id: 'j', output_url: 'https://x/only' }).state?.images).toEqual(['https://x/only']);
    expect(() => readGenerateAnswer(200, { success: true, job_id: 'j' })).toThrow(ProviderError);
    expect(() => readGenerateAnswer(202, { accepted: true })).toThrow(ProviderError);
    expect(() => readGenerateAnswer(202, { job_id: '../../x' })).toThrow(ProviderError);
  });

  it('maps job documents and failure texts', () => {
    expect(mapVirtufitJob({ status: 'queued' })).toEqual({ status: 'queued' });
    // The document names queued, completed and failed; any other word reads as running, no error.
    expect(mapVirtufitJob({ status: 'processing' })).toEqual({ status: 'processing', unknownWord: 'processing' });
    expect(mapVirtufitJob({ status: 'completed', output_urls: ['https://r/1'] })).toEqual({ status: 'completed', images: ['https://r/1'] });
    expect(() => mapVirtufitJob({ status: 'completed' })).toThrow(ProviderError);
    expect(mapVirtufitJob({ status: 'weird' })).toEqual({ status: 'processing', unknownWord: 'weird' });
    const cases: Array<[string, string]> = [
      ['Replicate API error: NSFW content detected', 'moderation_blocked'],
      ['Replicate API error: could not estimate pose', 'pose_unsupported'],
      ['Replicate API error: no person found in image', 'photo_rejected'],
      ['Replicate API error: garment image unreadable', 'garment_rejected'],
      ['Replicate API error: prediction timed out (id r8_x91)', 'generation_failed'],
    ];
    for (const [text, code] of cases) {
      const mapped = mapVirtufitFailure(text);
      expect(mapped.code).toBe(code);
      expect(mapped.message).not.toMatch(/replicate/i);
    }
  });

  it('derives a stable webhook secret that does not reveal the endpoint secret', async () => {
    const a = await virtufitWebhookSecret('endpoint-secret');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await virtufitWebhookSecret('endpoint-secret')).toBe(a);
    expect(await virtufitWebhookSecret('other-secret')).not.toBe(a);
    expect(a).not.toContain('endpoint-secret');
  });

  it('verifies signatures with or without the sha256= prefix, and nothing else', async () => {
    const body = new TextEncoder().encode('{"event":"tryon.completed"}');
    const sig = createHmac('sha256', 'k').update(body).digest('hex');
    expect(await verifyVirtufitSignature('k', body, sig)).toBe(true);
    expect(await verifyVirtufitSignature('k', body, `sha256=${sig}`)).toBe(true);
    expect(await verifyVirtufitSignature('k', body, sig.toUpperCase())).toBe(true);
    expect(await verifyVirtufitSignature('other', body, sig)).toBe(false);
    expect(await verifyVirtufitSignature('k', new TextEncoder().encode('{"event":"tryon.failed"}'), sig)).toBe(false);
    expect(await verifyVirtufitSignature('k', body, sig.slice(0, 40))).toBe(false);
    expect(await verifyVirtufitSignature('k', body, null)).toBe(false);
    expect(await verifyVirtufitSignature('k', body, `sha1=${sig}`)).toBe(false);
  });
});

describe('virtufit adapter against the fake', () => {
  it('queues a generation and polls it to a fetchable PNG', async () => {
    const result = await virtufitAdapter.submit(input({ category: 'outerwear', garmentDescription: 'Rain jacket' }), ctx);
    expect(result.state).toEqual({ status: 'queued' });
    expect(fake.count('generate')).toBe(1);
    const job = fake.jobs.get(result.jobId)!;
    expect(job.input).toMatchObject({ swapTarget: 'jacket', garmentUrls: [garmentA], garmentDescription: 'Rain jacket', tier: 'basic' });
    expect(job.input.personBytes).toBe(personPng.byteLength);
    expect(job.input.webhookUrl).toBeUndefined();

    const state = await pollUntilDone(result.jobId);
    expect(state.status).toBe('completed');
    const image = await fetch(state.images![0]!);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await image.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('costs one generate call per product: VirtuFit holds nothing to reuse', async () => {
    await virtufitAdapter.submit(input(), ctx);
    await virtufitAdapter.submit(input({ category: 'bottom' }), ctx);
    expect(fake.count('generate')).toBe(2);
    expect(fake.count()).toBe(2);
  });

  it('passes the tier option and refuses nothing else', async () => {
    const result = await virtufitAdapter.submit(input(), { ...ctx, options: { tier: 'pro' } });
    expect(fake.jobs.get(result.jobId)!.input.tier).toBe('pro');
  });

  it('returns the 200 synchronous fallback as completed, with no poll needed', async () => {
    fake.syncMode = true;
    const result = await virtufitAdapter.submit(input(), ctx);
    expect(result.state?.status).toBe('completed');
    expect(result.state?.images).toHaveLength(1);
    expect((await fetch(result.state!.images![0]!)).status).toBe(200);
    expect(fake.count('job-status')).toBe(0);
  });

  it('fails there when the garment URL is gone, as the real service would', async () => {
    const error = await providerError(virtufitAdapter.submit(input({ garmentUrl: `${garmentA}x` }), ctx));
    expect(error.kind).toBe('bad_response');
    expect(error.providerStatus).toBe(400);
    expect(fake.count('generate')).toBe(1);
  });

  it('turns a wrong key into auth and an empty balance into auth too', async () => {
    expect((await providerError(virtufitAdapter.submit(input(), { ...ctx, apiKey: 'nope-key' }))).kind).toBe('auth');
    fake.inject('generate', { kind: 'status', status: 402 });
    const error = await providerError(virtufitAdapter.submit(input(), ctx));
    expect(error.kind).toBe('auth');
    expect(error.providerStatus).toBe(402);
  });

  it('retries a 429 after Retry-After, generating once', async () => {
    fake.inject('generate', { kind: 'status', status: 429, retryAfter: 1 });
    const result = await virtufitAdapter.submit(input(), ctx);
    expect(fake.count('generate')).toBe(2);
    expect(fake.jobs.has(result.jobId)).toBe(true);
  });

  it('gives up with busy when rate limited throughout', async () => {
    fake.inject('generate', { kind: 'status', status: 429, retryAfter: 1 }, 10);
    const error = await providerError(virtufitAdapter.submit(input(), ctx));
    expect(error.kind).toBe('busy');
    expect(error.retryAfterSec).toBeGreaterThanOrEqual(1);
  });

  it('never repeats a generate that failed with 500', async () => {
    fake.inject('generate', { kind: 'status', status: 500 });
    expect((await providerError(virtufitAdapter.submit(input(), ctx))).kind).toBe('unavailable');
    expect(fake.count('generate')).toBe(1);
  });

  it('retries a status poll that failed once with 500', async () => {
    const { jobId } = await virtufitAdapter.submit(input(), ctx);
    fake.inject('job-status', { kind: 'status', status: 500 });
    expect((await pollUntilDone(jobId)).status).toBe('completed');
    expect(fake.count('job-status')).toBeGreaterThanOrEqual(2);
  });

  it('reports malformed JSON as bad_response', async () => {
    fake.inject('generate', { kind: 'malformed' });
    expect((await providerError(virtufitAdapter.submit(input(), ctx))).kind).toBe('bad_response');
    const { jobId } = await virtufitAdapter.submit(input(), ctx);
    fake.inject('job-status', { kind: 'malformed' });
    expect((await providerError(virtufitAdapter.status(jobId, ctx))).kind).toBe('bad_response');
  });

  it('maps a failed job to a shopper-facing code, hiding the provider text', async () => {
    fake.nextJobFailure = 'Replicate API error: NSFW content detected (prediction r8_abc)';
    const { jobId } = await virtufitAdapter.submit(input(), ctx);
    const state = await pollUntilDone(jobId);
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('moderation_blocked');
    expect(state.error?.message).not.toMatch(/replicate|r8_abc/i);
  });

  it('treats an unknown job as not_found', async () => {
    expect((await providerError(virtufitAdapter.status('00000000-0000-0000-0000-000000000000', ctx))).kind).toBe('not_found');
  });
});

/** What the handler does with a callback that carries the signature header: read its bytes, hand them over. */
const readCallback = async (request: Request, context: ProviderContext) =>
  virtufitAdapter.webhook!.read({ headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) }, context);

describe('virtufit webhooks', () => {
  let receiver: ServerType;
  let receiverUrl = '';
  let hookCtx: ProviderContext;
  const received: Array<{ jobId: string; state: JobState } | { error: string }> = [];
  let failNext = 0;

  beforeAll(async () => {
    const app = new Hono();
    app.post('/webhooks/virtufit', async (c) => {
      if (failNext > 0) {
        failNext--;
        return c.text('down', 503);
      }
      try {
        received.push(await readCallback(c.req.raw, hookCtx));
        return c.json({ ok: true });
      } catch (error) {
        received.push({ error: (error as ProviderError).kind });
        return c.json({ error: 'unverified' }, 401);
      }
    });
    await new Promise<void>((resolve) => {
      receiver = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  beforeEach(() => {
    hookCtx = { ...ctx, publicUrl: receiverUrl };
    received.length = 0;
    failNext = 0;
  });

  it('gives VirtuFit our webhook and a derived secret, and trusts the signed callback', async () => {
    const { jobId } = await virtufitAdapter.submit(input(), hookCtx);
    const job = fake.jobs.get(jobId)!;
    expect(job.input.webhookUrl).toBe(`${receiverUrl}/webhooks/virtufit`);
    expect(job.input.webhookSecret).toBe(await virtufitWebhookSecret(hookCtx.secret));
    expect(job.input.webhookSecret).not.toBe(hookCtx.secret);

    await fake.waitForDeliveries(1);
    expect(fake.deliveries[0]!.status).toBe(200);
    expect(received).toEqual([{ jobId, state: { status: 'completed', images: [fake.resultUrl(job)] } }]);
  });

  it('accepts the sha256= prefixed signature and a failure payload', async () => {
    fake.signaturePrefix = 'sha256=';
    fake.nextJobFailure = 'Replicate API error: invalid person image';
    const { jobId } = await virtufitAdapter.submit(input(), hookCtx);
    await fake.waitForDeliveries(1);
    expect(fake.deliveries[0]!.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(received).toHaveLength(1);
    const got = received[0] as { jobId: string; state: JobState };
    expect(got.jobId).toBe(jobId);
    expect(got.state.status).toBe('failed');
    expect(got.state.error?.code).toBe('photo_rejected');
  });

  it('is retried by VirtuFit when our endpoint was down', async () => {
    failNext = 1;
    const { jobId } = await virtufitAdapter.submit(input(), hookCtx);
    await fake.waitForDeliveries(2);
    expect(fake.deliveries.map((d) => d.status)).toEqual([503, 200]);
    expect((received[0] as { jobId: string }).jobId).toBe(jobId);
  });

  it('refuses a callback signed with another secret (an endpoint whose secret changed)', async () => {
    await virtufitAdapter.submit(input(), hookCtx);
    hookCtx = { ...hookCtx, secret: 'a-different-endpoint-secret' };
    await fake.waitForDeliveries(1);
    expect(fake.deliveries[0]!.status).toBe(401);
    expect(received).toEqual([{ error: 'bad_webhook' }]);
  });

  const post = (body: string, signature?: string) =>
    new Request(`${receiverUrl}/webhooks/virtufit`, {
      method: 'POST',
      headers: signature ? { 'x-virtufit-signature': signature } : {},
      body,
    });

  it('refuses unsigned, tampered and signed-but-meaningless callbacks', async () => {
    const secret = await virtufitWebhookSecret(ctx.secret);
    const timestamp = new Date().toISOString();
    const body = JSON.stringify({
      event: 'tryon.completed',
      job_id: 'j1',
      status: 'completed',
      output_urls: ['https://x/1.png'],
      timestamp,
    });
    const sig = createHmac('sha256', secret).update(body).digest('hex');

    expect(await readCallback(post(body, sig), ctx)).toEqual({
      jobId: 'j1',
      state: { status: 'completed', images: ['https://x/1.png'] },
    });
    expect((await providerError(readCallback(post(body), ctx))).kind).toBe('bad_webhook');
    const tampered = body.replace('https://x/1.png', 'https://evil/1.png');
    expect((await providerError(readCallback(post(tampered, sig), ctx))).kind).toBe('bad_webhook');

    const sign = (b: string) => createHmac('sha256', secret).update(b).digest('hex');
    const notJson = 'hello';
    expect((await providerError(readCallback(post(notJson, sign(notJson)), ctx))).kind).toBe('bad_webhook');
    const otherEvent = JSON.stringify({ event: 'tryon.started', job_id: 'j1', status: 'processing', timestamp });
    expect((await providerError(readCallback(post(otherEvent, sign(otherEvent)), ctx))).kind).toBe('bad_webhook');
    const noUrls = JSON.stringify({ event: 'tryon.completed', job_id: 'j2', status: 'completed', timestamp });
    expect((await providerError(readCallback(post(noUrls, sign(noUrls)), ctx))).kind).toBe('bad_webhook');
  });
});

describe('virtufit webhook replays', () => {
  const T0 = Date.UTC(2026, 2, 15, 12, 0, 0);
  let clock: Clock;
  let replayCtx: ProviderContext;
  let secret = '';

  beforeEach(async () => {
    clock = new Clock(T0);
    replayCtx = { ...ctx, store: new MemoryStore(clock.now), now: clock.now };
    secret = await virtufitWebhookSecret(ctx.secret);
  });

  const callback = (sentAt: number | string | undefined, over: Record<string, unknown> = {}) =>
    JSON.stringify({
      event: 'tryon.completed',
      job_id: 'job-7',
      status: 'completed',
      output_urls: ['https://cdn.virtufit.example/r.png'],
      ...(sentAt === undefined ? {} : { timestamp: typeof sentAt === 'number' ? new Date(sentAt).toISOString() : sentAt }),
      ...over,
    });
  const deliver = (body: string, signature = createHmac('sha256', secret).update(body).digest('hex')) =>
    readCallback(
      new Request('https://shop.example/webhooks/virtufit', { method: 'POST', headers: { 'x-virtufit-signature': signature }, body }),
      replayCtx,
    );
  const refusal = async (body: string, signature?: string) => {
    const error = await providerError(deliver(body, signature));
    expect(error.kind).toBe('bad_webhook');
    return error.message;
  };

  it('takes a callback stamped within 5 minutes of our clock, either way', async () => {
    expect((await deliver(callback(T0 - 4 * 60_000))).jobId).toBe('job-7');
    expect((await deliver(callback(T0 + 4 * 60_000))).jobId).toBe('job-7');
  });

  it('refuses a validly signed callback that is too old, too far ahead, or not stamped', async () => {
    expect(await refusal(callback(T0 - VIRTUFIT_WEBHOOK_TOLERANCE_MS - 1000))).toMatch(/timestamp/);
    expect(await refusal(callback(T0 + VIRTUFIT_WEBHOOK_TOLERANCE_MS + 1000))).toMatch(/timestamp/);
    expect(await refusal(callback(undefined))).toMatch(/timestamp/);
    expect(await refusal(callback('yesterday'))).toMatch(/timestamp/);
    expect(await refusal(callback(undefined, { timestamp: T0 }))).toMatch(/timestamp/);
  });

  it('takes a delivery once: a second copy is refused, also once it is old', async () => {
    const body = callback(T0);
    expect(await deliver(body)).toEqual({ jobId: 'job-7', state: { status: 'completed', images: ['https://cdn.virtufit.example/r.png'] } });
    clock.advance(30_000);
    expect(await refusal(body)).toMatch(/already received/);
    clock.advance(VIRTUFIT_WEBHOOK_TOLERANCE_MS);
    expect(await refusal(body)).toMatch(/timestamp/);
  });

  it('keeps refusing a copy for as long as its timestamp would pass, even one stamped ahead of our clock', async () => {
    const body = callback(T0 + VIRTUFIT_WEBHOOK_TOLERANCE_MS - 1000);
    await deliver(body);
    for (const step of [VIRTUFIT_WEBHOOK_TOLERANCE_MS, VIRTUFIT_WEBHOOK_TOLERANCE_MS - 2000]) {
      clock.advance(step);
      expect(await refusal(body)).toMatch(/already received/);
    }
  });

  it("takes VirtuFit's own retry, which is stamped afresh, and a different event for the same job", async () => {
    await deliver(callback(T0));
    clock.advance(25_000);
    expect((await deliver(callback(clock.now()))).jobId).toBe('job-7');
    const failed = callback(clock.now(), { event: 'tryon.failed', status: 'failed', error: 'Replicate API error' });
    expect((await deliver(failed)).state.status).toBe('failed');
  });

  it('a copy refused for its signature does not block the genuine one', async () => {
    const body = callback(T0);
    await refusal(body, 'f'.repeat(64));
    expect((await deliver(body)).jobId).toBe('job-7');
  });

  it("through the endpoint: judged by the endpoint's clock; a replayed copy → 401", async () => {
    const s = setup({ provider: 'virtufit' });
    const stamped = callback(s.clock.now());
    const signature = createHmac('sha256', await virtufitWebhookSecret(PROVIDER_SECRET))
      .update(stamped)
      .digest('hex');
    const post = (body: string, sig = signature) =>
      s.handler(
        new Request(`${BASE}/webhooks/virtufit`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-virtufit-signature': sig },
          body,
        }),
      );
    expect((await post(stamped)).status).toBe(200);
    expect((await post(stamped)).status).toBe(401);
    // Stamped by the wall clock, far from the endpoint's injected one (2025-01-01): refused.
    expect(Math.abs(Date.now() - s.clock.now())).toBeGreaterThan(VIRTUFIT_WEBHOOK_TOLERANCE_MS);
    const wallClock = callback(Date.now());
    expect(
      (
        await post(
          wallClock,
          createHmac('sha256', await virtufitWebhookSecret(PROVIDER_SECRET))
            .update(wallClock)
            .digest('hex'),
        )
      ).status,
    ).toBe(401);
    expect(s.logs.filter((e) => (e as { kind?: string }).kind === 'bad_webhook')).toHaveLength(2);
  });
});
