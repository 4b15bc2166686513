import { describe, expect, it } from 'vitest';
import { BASE, CountingAdapter, errorOf, GARMENT_URL, get, setup, submitRequest, SECRET } from './helpers.ts';
import { createTryOnHandler } from '../../src/server/handler.ts';
import { ProviderError } from '../../src/server/providers/errors.ts';

describe('routes', () => {
  it('GET /health names the provider and nothing else', async () => {
    const s = setup();
    const response = await s.handler(get('/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, provider: 'counting' });
    expect(s.adapter.calls).toBe(0);
  });

  it('the default handler runs the demo provider under basePath "" with no options', async () => {
    const handler = createTryOnHandler({ log: () => {} });
    const response = await handler(new Request('http://localhost/health'));
    expect(await response.json()).toEqual({ ok: true, provider: 'demo' });
  });

  it('unknown routes → 404 not_found, also outside basePath', async () => {
    const s = setup();
    expect(await errorOf(await s.handler(get('/nope')))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await errorOf(await s.handler(new Request('http://localhost:5173/health')))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('wrong methods → 405 method_not_allowed with Allow', async () => {
    const s = setup();
    for (const [method, path, allow] of [
      ['GET', '/jobs', 'POST'],
      ['PUT', '/jobs/abc', 'GET, DELETE'],
      ['POST', '/health', 'GET'],
      ['PUT', '/files/abc', 'GET'],
      ['GET', '/webhooks/counting', 'POST'],
    ] as const) {
      const response = await s.handler(new Request(`${BASE}${path}`, { method }));
      expect(await errorOf(response), `${method} ${path}`).toMatchObject({ status: 405, code: 'method_not_allowed' });
      expect(response.headers.get('allow')).toBe(allow);
    }
  });

  it('POST /jobs → 202 {job, status, pollAfterMs, photoRef}; GET /jobs/{job} relays the state', async () => {
    const s = setup();
    const submit = await s.handler(submitRequest());
    expect(submit.status).toBe(202);
    const body = (await submit.json()) as { job: string; status: string; pollAfterMs: number; photoRef: string };
    expect(body.status).toBe('queued');
    expect(body.pollAfterMs).toBe(3000); // the adapter's interval, above LIMITS.pollAfterMs
    expect(body.job.split('.')).toHaveLength(5); // a compact JWE: opaque to the widget
    expect(body.photoRef).toMatch(/^[\w-]{24}\.[\w-]{43}$/);
    expect(s.adapter.submits[0]!.photo.ref).toBe(body.photoRef);

    s.clock.advance(3000);
    s.adapter.state = { status: 'completed', images: ['https://cdn.provider.example/r.png'] };
    const status = await s.handler(get(`/jobs/${body.job}`));
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ status: 'completed', images: ['https://cdn.provider.example/r.png'] });
  });

  it('pollAfterMs is never below LIMITS.pollAfterMs', async () => {
    const adapter = new CountingAdapter();
    adapter.pollIntervalMs = 500;
    const s = setup({}, adapter);
    const body = (await (await s.handler(submitRequest())).json()) as { job: string; pollAfterMs: number };
    expect(body.pollAfterMs).toBe(2000);
    const status = (await (await s.handler(get(`/jobs/${body.job}`))).json()) as { pollAfterMs: number };
    expect(status.pollAfterMs).toBe(2000);
  });

  it('a failed job relays the adapter error', async () => {
    const s = setup();
    const { job } = (await (await s.handler(submitRequest())).json()) as { job: string };
    s.clock.advance(5000);
    s.adapter.state = { status: 'failed', error: { code: 'pose_unsupported', message: 'Please face the camera.' } };
    expect(await (await s.handler(get(`/jobs/${job}`))).json()).toEqual({
      status: 'failed',
      error: { code: 'pose_unsupported', message: 'Please face the camera.' },
    });
  });

  it('a second product with photoRef reuses the stored photo without a new upload', async () => {
    const s = setup();
    const first = (await (await s.handler(submitRequest())).json()) as { photoRef: string };
    const second = await s.handler(submitRequest({ photoRef: first.photoRef, category: 'bottom' }));
    expect(second.status).toBe(202);
    expect(((await second.json()) as { photoRef: string }).photoRef).toBe(first.photoRef);
    const [a, b] = s.adapter.submits;
    expect(b!.photo.ref).toBe(a!.photo.ref);
    expect(Buffer.from(b!.photo.bytes).equals(Buffer.from(a!.photo.bytes))).toBe(true);
    expect([b!.photo.width, b!.photo.height, b!.photo.type]).toEqual([60, 90, 'image/png']);
  });

  it('another variant by photoRef: its garment passes the allowlist like any other, or is refused before the provider', async () => {
    const s = setup();
    const { photoRef } = (await (await s.handler(submitRequest())).json()) as { photoRef: string };
    const sage = new URL('/shirt-sage.png', GARMENT_URL).href;
    const variant = await s.handler(submitRequest({ photoRef, garment: sage, product: 'shirt' }));
    expect(variant.status).toBe(202);
    expect(s.adapter.submits.map((x) => x.garmentUrl)).toEqual([GARMENT_URL, sage]);
    const refused = await s.handler(submitRequest({ photoRef, garment: 'https://garments.elsewhere.example/red.png', product: 'shirt' }));
    expect(await errorOf(refused)).toMatchObject({ status: 422, code: 'garment_host_not_allowed' });
    expect(s.adapter.submits).toHaveLength(2);
  });

  it('photoRef unknown, tampered or expired → 400 photo_ref_invalid telling to send the photo again', async () => {
    const s = setup();
    const { photoRef } = (await (await s.handler(submitRequest())).json()) as { photoRef: string };
    const tampered = photoRef.slice(0, -2) + (photoRef.endsWith('A') ? 'BB' : 'AA');
    for (const ref of ['nonsense', tampered, `${'A'.repeat(24)}.${photoRef.split('.')[1]}`]) {
      const e = await errorOf(await s.handler(submitRequest({ photoRef: ref })));
      expect(e).toMatchObject({ status: 400, code: 'photo_ref_invalid' });
      expect(e.message).toMatch(/send the photo again/);
    }
    // A handle from an endpoint with another secret is refused too.
    const other = setup({ secret: 'another-secret-0123456789abcdef0123456' });
    expect(await errorOf(await other.handler(submitRequest({ photoRef })))).toMatchObject({ code: 'photo_ref_invalid' });
    s.clock.advance(61 * 60 * 1000);
    expect(await errorOf(await s.handler(submitRequest({ photoRef })))).toMatchObject({ code: 'photo_ref_invalid' });
    expect(s.adapter.submits).toHaveLength(1);
  });

  it('provider errors map to the protocol: busy → 503 + Retry-After, auth → 502, rejected → 422 with its code', async () => {
    const s = setup();
    s.adapter.submitError = new ProviderError('busy', 'slow down', { retryAfterSec: 7 });
    const busy = await s.handler(submitRequest());
    expect(busy.headers.get('retry-after')).toBe('7');
    expect(await errorOf(busy)).toMatchObject({ status: 503, code: 'provider_busy' });

    s.adapter.submitError = new ProviderError('auth', 'key refused');
    expect(await errorOf(await s.handler(submitRequest()))).toMatchObject({ status: 502, code: 'provider_auth' });

    s.adapter.submitError = new ProviderError('rejected', 'No person was found in the photo.', { code: 'photo_rejected' });
    expect(await errorOf(await s.handler(submitRequest()))).toMatchObject({
      status: 422,
      code: 'photo_rejected',
      message: 'No person was found in the photo.',
    });
  });

  it('any other thrown error → 500 internal_error with a generic message', async () => {
    const s = setup();
    s.adapter.submitError = new TypeError('Cannot read properties of undefined (reading "x") at /srv/app.js:1');
    const e = await errorOf(await s.handler(submitRequest()));
    expect(e).toMatchObject({ status: 500, code: 'internal_error' });
    expect(e.message).not.toMatch(/undefined|app\.js/);
  });

  it('status-call failures are errors with the right status; 503 carries Retry-After', async () => {
    const s = setup();
    const { job } = (await (await s.handler(submitRequest())).json()) as { job: string };
    s.clock.advance(5000);
    s.adapter.statusError = new ProviderError('unavailable', 'down');
    expect(await errorOf(await s.handler(get(`/jobs/${job}`)))).toMatchObject({ status: 502, code: 'provider_unavailable' });
    s.clock.advance(5000);
    s.adapter.statusError = new ProviderError('busy', 'busy');
    const busy = await s.handler(get(`/jobs/${job}`));
    expect(busy.status).toBe(503);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('a token from another provider configuration is refused as expired work, without a provider call', async () => {
    const a = setup();
    const { job } = (await (await a.handler(submitRequest())).json()) as { job: string };
    const b = setup({ provider: 'demo', secret: SECRET });
    expect(await errorOf(await b.handler(get(`/jobs/${job}`)))).toMatchObject({ status: 404, code: 'job_expired' });
  });
});
