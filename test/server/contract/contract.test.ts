/**
 * The provider contract: one suite, run over every provider against its local fake, through the
 * real handler on a loopback Node server, speaking only the widget protocol (multipart submit,
 * status polls). Whatever the provider, the widget sees the same answers.
 *
 * Fake jobs take ~60 ms; the endpoint's clock is moved past the provider's poll interval
 * between polls instead of waiting it out, and the per-attempt timeout is shortened only for
 * the timeout cases, so the whole suite stays well under a minute.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, IDEMPOTENCY_HEADER } from '../../../src/protocol.ts';
import { getAdapter } from '../../../src/server/providers/registry.ts';
import { defaultRetryPolicy } from '../../../src/server/providers/http.ts';
import type { FakeProvider } from '../../fakes/common.ts';
import { makeJpeg } from '../images.ts';
import { PROVIDER_CASES, startEndpoint, startGarmentHost, unsupportedCategory, type Endpoint } from './providers.ts';

// Portrait 3:4 and large enough for every provider's minimum person size.
const photo = makeJpeg(384, 512);
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

/** Per provider: provider calls of a first try-on and of a second product (printed at the end). */
const costs: Record<string, { first: Record<string, number>; second: Record<string, number> }> = {};

let garments: Awaited<ReturnType<typeof startGarmentHost>>;
beforeAll(async () => {
  garments = await startGarmentHost();
});
afterAll(async () => {
  await garments.close();
  console.log(
    `provider calls per try-on (first / second product, same shopper):\n${Object.entries(costs)
      .map(([name, c]) => `  ${name}: ${total(c.first)} ${JSON.stringify(c.first)} / ${total(c.second)} ${JSON.stringify(c.second)}`)
      .join('\n')}`,
  );
});

const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(PROVIDER_CASES)('provider contract: $name', (pc) => {
  const apiKey = `key-${pc.name}-never-in-a-body-9d1e`;
  const adapter = getAdapter(pc.name);
  const interval = adapter.pollIntervalMs;
  let fake: FakeProvider;
  let endpoint: Endpoint;

  beforeAll(async () => {
    fake = await pc.start({ apiKey });
    fake.timing = { queuedMs: 20, processingMs: 40 };
    pc.prepare?.(fake);
    endpoint = await startEndpoint(pc.name, fake, { apiKey, garmentHost: garments.host, ...(pc.env ? { env: pc.env } : {}) });
  });
  afterAll(async () => {
    await endpoint.close();
    await fake.close();
  });
  afterEach(() => {
    fake.clearFaults();
    fake.nextJobFailure = undefined;
  });

  interface Submitted {
    status: number;
    body: { job?: string; photoRef?: string; pollAfterMs?: number; error?: { code: string; message: string } };
    headers: Headers;
    text: string;
  }

  async function submit(
    fields: { photoRef?: string; garment?: string; category?: string } = {},
    headers: Record<string, string> = {},
    at: Endpoint = endpoint,
  ): Promise<Submitted> {
    const form = new FormData();
    if (fields.photoRef) form.set('photoRef', fields.photoRef);
    else form.set('photo', new Blob([photo.slice()], { type: 'image/jpeg' }), 'me.jpg');
    form.set('garment', fields.garment ?? garments.url('shirt'));
    form.set('category', fields.category ?? 'top');
    form.set('consent', 'v1');
    const response = await fetch(`${at.base}/jobs`, { method: 'POST', body: form, headers });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as Submitted['body'], headers: response.headers, text };
  }

  async function poll(job: string) {
    const response = await fetch(`${endpoint.base}/jobs/${job}`);
    const text = await response.text();
    return {
      status: response.status,
      body: JSON.parse(text) as { status: string; images?: string[]; error?: { code: string; message: string } },
      text,
    };
  }

  /** Polls as a widget would, moving the endpoint's clock one provider interval between polls. */
  async function pollToEnd(job: string) {
    for (let i = 0; i < 30; i++) {
      await sleep(70);
      endpoint.clock.advance(interval);
      const answer = await poll(job);
      expect(answer.status).toBe(200);
      if (answer.body.status === 'completed' || answer.body.status === 'failed') return answer.body;
    }
    throw new Error(`${pc.name}: the job did not finish`);
  }

  function callsByRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const call of fake.calls) if (call.route !== 'result') out[call.route] = (out[call.route] ?? 0) + 1;
    return out;
  }

  it('submit → poll → completed, with a result URL that serves an image; a second product reuses the photo', async () => {
    fake.resetCalls();
    const first = await submit();
    expect(first.status).toBe(202);
    expect(first.body.job).toEqual(expect.any(String));
    expect(first.body.photoRef).toEqual(expect.any(String));
    expect(first.body.pollAfterMs).toBeGreaterThanOrEqual(interval);
    const done = await pollToEnd(first.body.job!);
    expect(done.status).toBe('completed');
    const image = await fetch(done.images![0]!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\//);
    expect([...new Uint8Array(await image.arrayBuffer()).subarray(0, 4)]).toEqual(PNG_MAGIC);
    costs[pc.name] = { first: callsByRoute(), second: {} };
    expect(fake.count(pc.generationRoute)).toBe(1);

    fake.resetCalls();
    const second = await submit({ photoRef: first.body.photoRef!, garment: garments.url('second'), category: 'bottom' });
    expect(second.status).toBe(202);
    expect((await pollToEnd(second.body.job!)).status).toBe('completed');
    costs[pc.name]!.second = callsByRoute();
    expect(fake.count(pc.generationRoute)).toBe(1);
    for (const route of pc.personRoutes) expect(fake.count(route), `${route} again for the same photo`).toBe(0);
    expect(total(costs[pc.name]!.second)).toBeLessThanOrEqual(total(costs[pc.name]!.first));
  });

  it('a refused key is 502 provider_auth, and the key is nowhere in the answer', async () => {
    const wrongKey = `wrong-${pc.name}-KEY-7731`;
    const other = await startEndpoint(pc.name, fake, { apiKey: wrongKey, garmentHost: garments.host });
    try {
      const answer = await submit({}, {}, other);
      expect(answer.status).toBe(502);
      expect(answer.body.error?.code).toBe('provider_auth');
      expect(answer.text).not.toContain(wrongKey);
      expect(answer.text).not.toContain(apiKey);
      expect(JSON.stringify(other.logs)).not.toContain(wrongKey);
    } finally {
      await other.close();
    }
  });

  it('a 429 pauses the account: the try-on waits in line (202 with its place), is sent after Retry-After, charged once', async () => {
    fake.resetCalls();
    fake.inject(pc.submitRoute, { kind: 'status', status: 429, retryAfter: 1 });
    const answer = await submit();
    expect(answer.status).toBe(202);
    expect((answer.body as { queue?: { position: number } }).queue?.position).toBe(1);
    expect(fake.count(pc.submitRoute)).toBe(1);
    // Polls before the Retry-After send nothing; after it, the submit goes once.
    expect((await poll(answer.body.job!)).status).toBe(200);
    expect(fake.count(pc.submitRoute)).toBe(1);
    await sleep(1100);
    expect((await pollToEnd(answer.body.job!)).status).toBe('completed');
    expect(fake.count(pc.submitRoute)).toBe(2);
    expect(fake.count(pc.generationRoute)).toBe(pc.generationRoute === pc.submitRoute ? 2 : 1);
  });

  it("a 429 whose Retry-After is longer than the merchant's queue limit is 503 provider_busy", async () => {
    const short = await startEndpoint(pc.name, fake, { apiKey, garmentHost: garments.host, env: { ...pc.env, TRYON_QUEUE_MAX_WAIT: '5' } });
    try {
      fake.resetCalls();
      // A fresh endpoint: its first call (whatever route) is refused for 30 s.
      fake.inject('*', { kind: 'status', status: 429, retryAfter: 30 });
      const answer = await submit({}, {}, short);
      expect(answer.status).toBe(503);
      expect(answer.body.error?.code).toBe('provider_busy');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(5);
    } finally {
      await short.close();
    }
  });

  it('a 500 on submit is 502 after exactly one paid call (never charged twice)', async () => {
    fake.resetCalls();
    fake.inject(pc.submitRoute, { kind: 'status', status: 500 });
    const answer = await submit();
    expect(answer.status).toBe(502);
    expect(answer.body.error?.code).toBe('provider_unavailable');
    expect(fake.count(pc.submitRoute)).toBe(1);
  });

  it('a malformed submit answer is 502 provider_error', async () => {
    fake.inject(pc.submitRoute, { kind: 'malformed' });
    const answer = await submit();
    expect(answer.status).toBe(502);
    expect(answer.body.error?.code).toBe('provider_error');
  });

  it('a 500 once on status is retried and the job completes', async () => {
    const { body } = await submit();
    fake.resetCalls();
    fake.inject(pc.statusRoute, { kind: 'status', status: 500 });
    expect((await pollToEnd(body.job!)).status).toBe('completed');
    expect(fake.count(pc.statusRoute)).toBeGreaterThanOrEqual(2);
  });

  it('a malformed status answer is 502 provider_error, and the next poll recovers', async () => {
    const { body } = await submit();
    await sleep(70);
    endpoint.clock.advance(interval);
    fake.inject(pc.statusRoute, { kind: 'malformed' });
    const broken = await poll(body.job!);
    expect(broken.status).toBe(502);
    expect(broken.body.error?.code).toBe('provider_error');
    expect((await pollToEnd(body.job!)).status).toBe('completed');
  });

  it('a slow status call is retried within the policy; slow throughout is 504 provider_timeout', async () => {
    const saved = defaultRetryPolicy.timeoutMs;
    defaultRetryPolicy.timeoutMs = 250;
    try {
      const { body } = await submit();
      fake.inject(pc.statusRoute, { kind: 'slow', ms: 400 });
      expect((await pollToEnd(body.job!)).status).toBe('completed');

      const next = await submit();
      await sleep(70);
      endpoint.clock.advance(interval);
      fake.inject(pc.statusRoute, { kind: 'slow', ms: 400 }, 1 + defaultRetryPolicy.retries);
      const answer = await poll(next.body.job!);
      expect(answer.status).toBe(504);
      expect(answer.body.error?.code).toBe('provider_timeout');
    } finally {
      defaultRetryPolicy.timeoutMs = saved;
    }
  });

  it('a failed job is status failed with our code and message, never the provider text', async () => {
    const providerText = 'NSFW content detected by safety checker (node gpu-7.internal)';
    fake.nextJobFailure = providerText;
    const { status, body } = await submit();
    // A provider may refuse at once (202 never comes) or fail the job later; both are normalized.
    if (status === 202) {
      const done = await pollToEnd(body.job!);
      expect(done.status).toBe('failed');
      expect(done.error?.code).toBe('moderation_blocked');
      expect(done.error?.message).not.toContain('gpu-7');
    } else {
      expect(status).toBe(422);
      expect(body.error?.code).toBe('moderation_blocked');
    }
  });

  it('an unsupported category is 422 with zero provider calls', async () => {
    const category = unsupportedCategory(pc.name);
    if (category === undefined) {
      // This provider dresses every category of the protocol, so there is nothing to refuse.
      expect(CATEGORIES.every((c) => adapter.categories[c] !== undefined)).toBe(true);
      return;
    }
    fake.resetCalls();
    const answer = await submit({ category });
    expect(answer.status).toBe(422);
    expect(answer.body.error?.code).toBe('unsupported_category');
    expect(fake.count()).toBe(0);
  });

  it('a retried submit with the same Idempotency-Key is the same job, submitted once', async () => {
    fake.resetCalls();
    const key = `contract-${pc.name}-${Date.now()}`;
    const a = await submit({}, { [IDEMPOTENCY_HEADER]: key });
    const b = await submit({}, { [IDEMPOTENCY_HEADER]: key });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.job).toBe(a.body.job);
    expect(fake.count(pc.submitRoute)).toBe(1);
  });

  it('polling discipline: 20 rapid polls within one interval cost at most one status call', async () => {
    fake.timing = { queuedMs: 60_000, processingMs: 60_000 };
    try {
      const { body } = await submit();
      endpoint.clock.advance(interval);
      fake.resetCalls();
      const answers = await Promise.all(Array.from({ length: 20 }, () => poll(body.job!)));
      for (const answer of answers) expect(answer.body.status).toMatch(/^(queued|processing)$/);
      // The first poll after the interval asks the provider; the other 19 share its answer.
      const refresh = fake.count();
      expect(refresh).toBeGreaterThanOrEqual(1);
      expect(refresh).toBeLessThanOrEqual(pc.maxCallsPerRefresh ?? 1);
      for (let i = 0; i < 20; i++) await poll(body.job!);
      expect(fake.count()).toBe(refresh);
      endpoint.clock.advance(interval);
      await poll(body.job!);
      expect(fake.count()).toBeGreaterThan(refresh);
    } finally {
      fake.timing = { queuedMs: 20, processingMs: 40 };
    }
  });
});
