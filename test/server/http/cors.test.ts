import { describe, expect, it } from 'vitest';
import { BASE, errorOf, get, ORIGIN, setup, submitRequest } from '../helpers.ts';

const SHOP = 'https://shop.example';

describe('CORS and origins', () => {
  it('an allowed origin gets its exact origin back, Vary: Origin, and Retry-After and the RateLimit headers exposed', async () => {
    const s = setup({ allowedOrigins: [SHOP] });
    const response = await s.handler(get('/health', { origin: SHOP }));
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(response.headers.get('vary')).toMatch(/Origin/);
    const exposed = (response.headers.get('access-control-expose-headers') ?? '').split(/\s*,\s*/).map((h) => h.toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(['retry-after', 'ratelimit', 'ratelimit-policy']));
  });

  it('error answers to an allowed origin are readable by it too', async () => {
    const s = setup({ allowedOrigins: [SHOP] });
    const response = await s.handler(submitRequest({ consent: null }, { headers: { origin: SHOP } }));
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  it('a disallowed origin → 403 origin_not_allowed, never *, and no provider call', async () => {
    const s = setup({ allowedOrigins: [SHOP] });
    for (const origin of ['https://evil.example', 'https://shop.example.evil.example', 'http://shop.example', 'null']) {
      const response = await s.handler(submitRequest({}, { headers: { origin } }));
      expect(await errorOf(response), origin).toMatchObject({ status: 403, code: 'origin_not_allowed' });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/Origin/);
    }
    expect(s.adapter.calls).toBe(0);
  });

  it("same-origin requests (no Origin, or the endpoint's own) are allowed without CORS headers", async () => {
    const s = setup();
    expect((await s.handler(submitRequest())).status).toBe(202);
    const own = await s.handler(submitRequest({}, { headers: { origin: ORIGIN } }));
    expect(own.status).toBe(202);
    expect(own.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('preflight for POST with Idempotency-Key: 204 with methods and headers', async () => {
    const s = setup({ allowedOrigins: [SHOP] });
    const response = await s.handler(
      new Request(`${BASE}/jobs`, {
        method: 'OPTIONS',
        headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key' },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('a preflight from a disallowed origin is refused', async () => {
    const s = setup({ allowedOrigins: [SHOP] });
    const response = await s.handler(
      new Request(`${BASE}/jobs`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
