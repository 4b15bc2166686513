import { describe, expect, it } from 'vitest';
import { BASE, Clock, errorOf, GARMENT_URL, get, setup, submitRequest, PROVIDER_SECRET } from '../helpers.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import { MemoryStore } from '../../../src/server/store/store.ts';
import { stalledStream, zeroStream } from '../access-helpers.ts';

describe('status cache', () => {
  it('many polls within pollIntervalMs → at most one status call', async () => {
    const s = setup();
    const { job } = (await (await s.handler(submitRequest())).json()) as { job: string };
    // The submit answer itself counts as fresh, so polls right away cost nothing.
    for (let i = 0; i < 10; i++)
      expect((await (await s.handler(get(`/jobs/${job}`))).json()) as object).toMatchObject({ status: 'queued' });
    expect(s.adapter.statusCalls).toBe(0);
    s.clock.advance(3000);
    for (let i = 0; i < 20; i++) {
      expect(((await (await s.handler(get(`/jobs/${job}`))).json()) as { status: string }).status).toBe('processing');
      s.clock.advance(100);
    }
    expect(s.adapter.statusCalls).toBe(1);
    s.clock.advance(1000);
    await s.handler(get(`/jobs/${job}`));
    expect(s.adapter.statusCalls).toBe(2);
  });

  it('concurrent polls share one in-flight call', async () => {
    const s = setup();
    s.adapter.statusDelayMs = 50;
    const { job } = (await (await s.handler(submitRequest())).json()) as { job: string };
    s.clock.advance(3000);
    const answers = await Promise.all(Array.from({ length: 12 }, () => s.handler(get(`/jobs/${job}`))));
    expect(answers.map((r) => r.status)).toEqual(new Array(12).fill(200));
    expect(s.adapter.statusCalls).toBe(1);
  });

  it('two endpoint instances sharing a store make one call per interval', async () => {
    const clock = new Clock();
    const store = new MemoryStore(clock.now);
    const a = setup({ store, now: clock.now });
    const b = setup({ store, now: clock.now }, a.adapter);
    const { job } = (await (await a.handler(submitRequest())).json()) as { job: string };
    clock.advance(3000);
    await Promise.all([a.handler(get(`/jobs/${job}`)), b.handler(get(`/jobs/${job}`))]);
    expect(a.adapter.statusCalls).toBe(1);
  });

  it("a provider call slower than the poll interval keeps its instance's claim: the other instance answers from the cache", async () => {
    const clock = new Clock();
    const store = new MemoryStore(clock.now);
    const a = setup({ store, now: clock.now });
    const b = setup({ store, now: clock.now }, a.adapter);
    const { job } = (await (await a.handler(submitRequest())).json()) as { job: string };
    clock.advance(3000);
    a.adapter.statusDelayMs = 300;
    const first = a.handler(get(`/jobs/${job}`));
    await new Promise((r) => setTimeout(r, 50));
    // A's call is still at the provider, longer than pollIntervalMs (3 s) now.
    clock.advance(5000);
    const second = await b.handler(get(`/jobs/${job}`));
    expect(((await second.json()) as { status: string }).status).toBe('queued');
    expect(((await (await first).json()) as { status: string }).status).toBe('processing');
    expect(a.adapter.statusCalls).toBe(1);
    // Released by its owner when the call ended: the next stale poll on B refreshes.
    clock.advance(3000);
    await b.handler(get(`/jobs/${job}`));
    expect(a.adapter.statusCalls).toBe(2);
  });

  it('a completed job is never asked about again until its token expires', async () => {
    const s = setup();
    const { job } = (await (await s.handler(submitRequest())).json()) as { job: string };
    s.clock.advance(3000);
    s.adapter.state = { status: 'completed', images: ['https://r.example/1.png'] };
    await s.handler(get(`/jobs/${job}`));
    for (let i = 0; i < 5; i++) {
      s.clock.advance(60 * 60 * 1000);
      expect(((await (await s.handler(get(`/jobs/${job}`))).json()) as { status: string }).status).toBe('completed');
    }
    expect(s.adapter.statusCalls).toBe(1);
  });
});

describe('idempotency', () => {
  it('the same Idempotency-Key returns the same job, charged once', async () => {
    const s = setup();
    const headers = { 'idempotency-key': 'a1b2c3d4-0000-4000-8000-000000000001' };
    const first = await s.handler(submitRequest({}, { headers }));
    const again = await s.handler(submitRequest({}, { headers }));
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(await first.json());
    expect(s.adapter.submits).toHaveLength(1);
    const other = await s.handler(submitRequest({}, { headers: { 'idempotency-key': 'another-key' } }));
    expect(other.status).toBe(202);
    expect(s.adapter.submits).toHaveLength(2);
  });

  it('a key reused for a different try-on → 422 idempotency_key_invalid, no second charge', async () => {
    const s = setup();
    const headers = { 'idempotency-key': 'reused-key' };
    expect((await s.handler(submitRequest({}, { headers }))).status).toBe(202);
    const e = await errorOf(await s.handler(submitRequest({ category: 'bottom' }, { headers })));
    expect(e).toMatchObject({ status: 422, code: 'idempotency_key_invalid' });
    expect(s.adapter.submits).toHaveLength(1);
  });

  it('a key reused with another product or another consent → 422 idempotency_key_invalid, no second charge', async () => {
    // Two products with the one garment image: only the product id tells the try-ons apart.
    const s = setup({
      products: { 'shirt-s': { garment: GARMENT_URL, category: 'top' }, 'shirt-l': { garment: GARMENT_URL, category: 'top' } },
    });
    const headers = { 'idempotency-key': 'one-try-on' };
    const first = await s.handler(submitRequest({ garment: null, product: 'shirt-s' }, { headers }));
    expect(first.status).toBe(202);
    for (const other of [
      { garment: null, product: 'shirt-l' },
      { garment: null, product: 'shirt-s', consent: 'v2' },
    ]) {
      const e = await errorOf(await s.handler(submitRequest(other, { headers })));
      expect(e, JSON.stringify(other)).toMatchObject({ status: 422, code: 'idempotency_key_invalid' });
      expect(e.message).toMatch(/new key/);
    }
    // The very same try-on still gets its answer.
    expect(await (await s.handler(submitRequest({ garment: null, product: 'shirt-s' }, { headers }))).json()).toEqual(await first.json());
    expect(s.adapter.submits).toHaveLength(1);
  });

  it('the same key from two storefronts (tenants) is two try-ons, each replayed to its own tenant only', async () => {
    const shops = ['https://shop-a.example', 'https://shop-b.example'];
    const s = setup({ allowedOrigins: shops });
    const headers = (origin: string) => ({ 'idempotency-key': 'shared-uuid-0001', origin });
    const [a, b] = await Promise.all(
      shops.map(async (origin) => (await s.handler(submitRequest({}, { headers: headers(origin) }))).json() as Promise<{ job: string }>),
    );
    expect(s.adapter.submits).toHaveLength(2);
    expect(a!.job).not.toBe(b!.job);
    // A's job token is bound to A: B could not have used it, so B had to get its own job.
    expect((await s.handler(get(`/jobs/${a!.job}`, { origin: shops[0]! }))).status).toBe(200);
    expect((await s.handler(get(`/jobs/${b!.job}`, { origin: shops[1]! }))).status).toBe(200);
    // Retries replay per tenant.
    for (const [i, origin] of shops.entries()) {
      expect(((await (await s.handler(submitRequest({}, { headers: headers(origin) }))).json()) as { job: string }).job).toBe(
        [a, b][i]!.job,
      );
    }
    expect(s.adapter.submits).toHaveLength(2);
  });

  it('two concurrent identical submits charge once and both get the job', async () => {
    const s = setup();
    let release!: () => void;
    s.adapter.submitGate = new Promise<void>((r) => (release = r));
    const headers = { 'idempotency-key': 'concurrent-1' };
    const a = s.handler(submitRequest({}, { headers }));
    const b = s.handler(submitRequest({}, { headers }));
    await new Promise((r) => setTimeout(r, 120));
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect([ra.status, rb.status]).toEqual([202, 202]);
    expect(((await ra.json()) as { job: string }).job).toBe(((await rb.json()) as { job: string }).job);
    expect(s.adapter.submits).toHaveLength(1);
  });

  it('a failed submit is shared briefly, then a later retry may try again', async () => {
    const s = setup();
    const headers = { 'idempotency-key': 'fails-first' };
    s.adapter.submitError = new ProviderError('busy', 'busy', { retryAfterSec: 3 });
    expect(await errorOf(await s.handler(submitRequest({}, { headers })))).toMatchObject({ code: 'provider_busy' });
    const repeated = await s.handler(submitRequest({}, { headers }));
    expect(repeated.headers.get('retry-after')).toBe('3');
    expect(s.adapter.submits).toHaveLength(1);
    s.clock.advance(11_000);
    s.adapter.submitError = undefined;
    expect((await s.handler(submitRequest({}, { headers }))).status).toBe(202);
    expect(s.adapter.submits).toHaveLength(2);
  });
});

describe('webhooks', () => {
  const hook = (body: object, headers: Record<string, string> = {}, provider = 'counting') =>
    new Request(`${BASE}/webhooks/${provider}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('a verified callback stores the state; polls are answered from it without a provider call', async () => {
    const s = setup();
    const { job } = (await (await s.handler(submitRequest())).json()) as { job: string };
    const done = { status: 'completed', images: ['https://r.example/hook.png'] };
    const response = await s.handler(hook({ id: 'job-1', state: done }, { 'x-signature': PROVIDER_SECRET }));
    expect(response.status).toBe(200);
    s.clock.advance(60_000);
    expect(await (await s.handler(get(`/jobs/${job}`))).json()).toEqual(done);
    expect(s.adapter.statusCalls).toBe(0);
  });

  it('an unverified callback → 401 and nothing stored', async () => {
    const s = setup();
    const { job } = (await (await s.handler(submitRequest())).json()) as { job: string };
    const response = await s.handler(
      hook({ id: 'job-1', state: { status: 'completed', images: ['https://evil.example/x.png'] } }, { 'x-signature': 'wrong' }),
    );
    expect(response.status).toBe(401);
    s.clock.advance(5000);
    expect(((await (await s.handler(get(`/jobs/${job}`))).json()) as { status: string }).status).toBe('processing');
  });

  const streamedHook = (body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    new Request(`${BASE}/webhooks/counting`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      duplex: 'half',
    } as RequestInit);

  it('a callback without the signature header → 401 before its body is read; the adapter never sees it', async () => {
    const s = setup();
    const body = zeroStream(200 * 1024 * 1024);
    const response = await s.handler(streamedHook(body.stream));
    expect(await errorOf(response)).toMatchObject({ status: 401, code: 'bad_request' });
    // At most what the stream queued on its own before anyone read it.
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024);
    expect(s.adapter.webhookReads).toBe(0);
  });

  it('a signed callback over 256 KB → 413 body_too_large, by Content-Length or while streaming; the adapter never sees it', async () => {
    const s = setup();
    const declared = new Request(`${BASE}/webhooks/counting`, {
      method: 'POST',
      body: 'x',
      headers: { 'x-signature': PROVIDER_SECRET, 'content-length': String(300 * 1024) },
    });
    const error = await errorOf(await s.handler(declared));
    expect(error).toMatchObject({ status: 413, code: 'body_too_large', message: 'The callback is larger than 256 KB.' });
    const body = zeroStream(200 * 1024 * 1024);
    const response = await s.handler(streamedHook(body.stream, { 'x-signature': PROVIDER_SECRET }));
    expect(await errorOf(response)).toMatchObject({ status: 413, code: 'body_too_large' });
    expect(response.headers.get('connection')).toBe('close');
    expect(body.pulled()).toBeLessThan(1024 * 1024);
    expect(s.adapter.webhookReads).toBe(0);
  });

  it('a signed callback whose body never ends → 408 body_timeout', async () => {
    const s = setup({ bodyTimeoutMs: 150 });
    const response = await s.handler(streamedHook(stalledStream(), { 'x-signature': PROVIDER_SECRET }));
    expect(await errorOf(response)).toMatchObject({ status: 408, code: 'body_timeout' });
    expect(s.adapter.webhookReads).toBe(0);
  });

  it('unknown providers, and providers without webhooks → 404', async () => {
    const s = setup();
    expect((await s.handler(hook({}, {}, 'vistoure'))).status).toBe(404);
    const demo = setup({ provider: 'demo' });
    expect(await errorOf(await demo.handler(hook({}, {}, 'demo')))).toMatchObject({ status: 404, code: 'not_found' });
  });
});
