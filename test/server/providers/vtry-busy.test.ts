/**
 * The busy-minute scene of issue 13, shrunk to seconds: shoppers start within moments on the Vtry
 * adapter against the faithful fake with its limits on (a 4 s window instead of a minute, the
 * endpoint's budget set to the same counts). Zero 429s from the provider, no `provider_busy`,
 * one person per shopper photo (also when a shopper sends the same photo again), every paid step
 * once, and each person deleted at Vtry once its result was delivered. The full-size scene with
 * its figures is bench/busy-minute/scene.ts.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTryOnHandler } from '../../../src/server/handler.ts';
import { vtryAdapter } from '../../../src/server/providers/vtry.ts';
import { makePng } from '../../fakes/common.ts';
import { startFakeVtry, type VtryFake } from '../../fakes/vtry.ts';
import { createTestContext, type TestContext } from '../../fakes/context.ts';

const KEY = 'vtry-busy-key';
const BASE = 'http://shop.test/api/try-on';
let fake: VtryFake;
let files: TestContext;

beforeEach(async () => {
  fake = await startFakeVtry({ apiKey: KEY });
  fake.windowMs = 4000;
  Object.assign(fake.limits, { read: 40, write: 10, generate: 5, concurrency: 2 });
  fake.timing = { queuedMs: 100, processingMs: 300 };
  files = await createTestContext({ baseUrl: fake.url, apiKey: KEY });
});

afterEach(async () => {
  await fake.close();
  await files.close();
});

it('shoppers at once on Vtry: zero 429s, no provider_busy, one person per photo, each paid step once', { timeout: 60_000 }, async () => {
  const garmentUrl = await files.ctx.publishFile(new Uint8Array(makePng(40, 50, () => [200, 30, 30])), 'image/png', 120_000);
  const handler = createTryOnHandler({
    provider: 'vtry',
    apiKey: KEY,
    providerUrl: fake.url,
    secret: 'vtry-busy-secret-0123456789abcdef012345',
    basePath: '/api/try-on',
    garmentHosts: [new URL(garmentUrl).host],
    devAllowLoopback: true,
    rateLimits: { 'submit-ip': false, 'submit-shopper': false, 'poll-ip': false, 'poll-shopper': false },
    // Loopback arrival times shift by tens of ms on a loaded machine: the endpoint's window is half
    // a second longer than the fake's, the counts are the same.
    providerLimits: { read: 40, write: 10, generate: 5, concurrency: 2, windowSec: 4.5 },
    adapters: { vtry: { ...vtryAdapter, pollIntervalMs: 150 } },
    log: () => {},
  });

  const answers: number[] = [];
  let sawQueue = false;
  const jobs: string[] = [];
  const tryOn = async (photo: Uint8Array) => {
    const form = new FormData();
    form.set('photo', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'p.png');
    form.set('garment', garmentUrl);
    form.set('category', 'top');
    form.set('consent', 'v1');
    const submitted = await handler(new Request(`${BASE}/jobs`, { method: 'POST', body: form }));
    answers.push(submitted.status);
    const { job } = (await submitted.json()) as { job: string };
    jobs.push(job);
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const response = await handler(new Request(`${BASE}/jobs/${job}`));
      answers.push(response.status);
      const body = (await response.json()) as { status: string; queue?: unknown };
      if (body.queue) sawQueue = true;
      if (body.status === 'completed' || body.status === 'failed') return body.status;
    }
    return 'timed out';
  };
  const photos = Array.from({ length: 5 }, (_, i) => new Uint8Array(makePng(64, 96, (x, y) => [i * 40, x, y])));
  // Shopper 0 sends the same photo twice (as after an error, without the photoRef): one person.
  const outcomes = await Promise.all([...photos, photos[0]!].map((photo) => tryOn(photo)));

  expect(outcomes).toEqual(Array(6).fill('completed'));
  expect([...fake.limited.values()].reduce((a, b) => a + b, 0)).toBe(0);
  expect(answers.every((status) => status === 200 || status === 202)).toBe(true);
  expect(fake.count('person-create')).toBe(5);
  expect(fake.count('compose')).toBe(5);
  expect(fake.count('clothes-create')).toBe(1);
  expect(fake.count('generation-create')).toBe(6);
  // 12 paid calls at 5 per window: some jobs waited in line, and were told so.
  expect(sawQueue).toBe(true);

  // Once delivered, each shopper's person is deleted at Vtry (a few deletions run per request).
  for (let i = 0; i < 100 && fake.persons.size > 0; i++) {
    await handler(new Request(`${BASE}/jobs/${jobs[0]}`));
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(fake.persons.size).toBe(0);
  expect(fake.count('person-delete')).toBe(5);
});
