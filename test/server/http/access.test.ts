/**
 * Access: Shopify app proxy signatures (Shopify's two published examples), shop and origin
 * scopes on tokens, Turnstile's good path, Vary: Origin.
 */
import { describe, expect, it } from 'vitest';
import { proxySigningString, signProxyQuery, verifyProxyQuery, PROXY_MAX_AGE_SEC } from '../../../src/server/shopify/shopify.ts';
import { BASE, errorOf, get, setup, submitRequest } from '../helpers.ts';
import { shopifyUrl, siteverify, SHOPIFY_SECRET } from '../access-helpers.ts';

// Shopify's "Authenticate app proxies" page: secret `hush`, the forwarded query with a logged-in
// customer, and the same query with `logged_in_customer_id=` empty.
const EXAMPLE_TIME_MS = 1317327555 * 1000;
const EXAMPLES = [
  {
    query:
      'extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555',
    signature: '4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb',
  },
  {
    query: 'extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555',
    signature: 'e072b6d7e6622d85912a5214b860d3100dc1e73d9bc29f43796ac8c9ff8093cb',
  },
];

describe('Shopify app proxy signature', () => {
  it('reproduces both published examples exactly', async () => {
    for (const { query, signature } of EXAMPLES) {
      expect(await signProxyQuery(new URLSearchParams(query), 'hush')).toBe(signature);
    }
    // Repeated keys joined by commas, empty values kept, sorted, joined with nothing.
    expect(proxySigningString(new URLSearchParams(EXAMPLES[1]!.query))).toBe(
      'extra=1,2logged_in_customer_id=path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555',
    );
  });

  it('verifies the examples (signature dropped before signing) and yields the verified shop', async () => {
    for (const { query, signature } of EXAMPLES) {
      const params = new URLSearchParams(`${query}&signature=${signature}`);
      expect(await verifyProxyQuery(params, 'hush', EXAMPLE_TIME_MS)).toEqual({ ok: true, shop: 'shop-name.myshopify.com' });
    }
  });

  it('refuses a changed value, a dropped empty value, a wrong secret, and stale or future timestamps', async () => {
    const { query, signature } = EXAMPLES[1]!;
    const signed = (q: string) => new URLSearchParams(`${q}&signature=${signature}`);
    expect(await verifyProxyQuery(signed(query.replace('extra=2', 'extra=3')), 'hush', EXAMPLE_TIME_MS)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(await verifyProxyQuery(signed(query.replace('logged_in_customer_id=&', '')), 'hush', EXAMPLE_TIME_MS)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(await verifyProxyQuery(signed(query), 'not-hush', EXAMPLE_TIME_MS)).toEqual({ ok: false, reason: 'mismatch' });
    const late = EXAMPLE_TIME_MS + (PROXY_MAX_AGE_SEC + 1) * 1000;
    expect(await verifyProxyQuery(signed(query), 'hush', late)).toEqual({ ok: false, reason: 'stale' });
    const early = EXAMPLE_TIME_MS - (PROXY_MAX_AGE_SEC + 1) * 1000;
    expect(await verifyProxyQuery(signed(query), 'hush', early)).toEqual({ ok: false, reason: 'stale' });
    expect(await verifyProxyQuery(new URLSearchParams(query), 'hush', EXAMPLE_TIME_MS)).toEqual({ ok: false, reason: 'missing' });
  });

  it('in proxy mode a signed shopper submits and polls; the job belongs to the verified shop', async () => {
    const s = setup({ shopifySecret: SHOPIFY_SECRET });
    const shop = 'shop-a.myshopify.com';
    const submit = await s.handler(
      submitRequest({}, { url: await shopifyUrl('/jobs', shop, s.clock.t), headers: { origin: `https://${shop}` } }),
    );
    expect(submit.status).toBe(202);
    const { job } = (await submit.json()) as { job: string };
    const poll = await s.handler(new Request(await shopifyUrl(`/jobs/${job}`, shop, s.clock.t)));
    expect(poll.status).toBe(200);
    expect(((await poll.json()) as { status: string }).status).toBe('queued');
    // The same token polled without the proxy (scope "self") is refused.
    expect(await errorOf(await s.handler(get(`/jobs/${job}`)))).toMatchObject({ status: 401, code: 'proxy_signature_invalid' });
    // Health stays open: load balancers call it directly.
    expect((await s.handler(get('/health'))).status).toBe(200);
  });

  it('in proxy mode an Origin forwarded from a page that is not the shop is refused', async () => {
    const s = setup({ shopifySecret: SHOPIFY_SECRET });
    const url = await shopifyUrl('/jobs', 'shop-a.myshopify.com', s.clock.t);
    expect(await errorOf(await s.handler(submitRequest({}, { url, headers: { origin: 'https://evil.example' } })))).toMatchObject({
      status: 403,
      code: 'origin_not_allowed',
    });
    expect(s.adapter.calls).toBe(0);
  });
});

describe('tokens bound to their tenant, not to the headers a browser sends', () => {
  it('a job and photo made on one storefront origin work from that origin, and handles are unguessable', async () => {
    const A = 'https://shop-a.example';
    const s = setup({ allowedOrigins: [A, 'https://shop-b.example'] });
    const made = await s.handler(submitRequest({}, { headers: { origin: A } }));
    const { job, photoRef } = (await made.json()) as { job: string; photoRef: string };
    expect((await s.handler(get(`/jobs/${job}`, { origin: A }))).status).toBe(200);
    expect((await s.handler(submitRequest({ photo: null, photoRef }, { headers: { origin: A } }))).status).toBe(202);
    // Handles are 18 random bytes + a MAC; two never repeat.
    const again = (await (await s.handler(submitRequest({}, { headers: { origin: A } }))).json()) as { photoRef: string };
    expect(again.photoRef).not.toBe(photoRef);
    expect(photoRef).toMatch(/^[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}$/);
  });

  it('an allowed storefront submits with Origin and polls without one (a same-origin GET behind a proxy): the token still works', async () => {
    const SHOP = 'https://shop.example';
    const s = setup({ allowedOrigins: [SHOP] });
    const made = await s.handler(submitRequest({}, { headers: { origin: SHOP } }));
    expect(made.status).toBe(202);
    const { job, photoRef } = (await made.json()) as { job: string; photoRef: string };
    expect((await s.handler(get(`/jobs/${job}`))).status).toBe(200);
    expect((await s.handler(get(`/jobs/${job}`, { origin: SHOP }))).status).toBe(200);
    expect((await s.handler(submitRequest({ photo: null, photoRef }))).status).toBe(202);
    expect((await s.handler(new Request(`${BASE}/jobs/${job}`, { method: 'DELETE' }))).status).toBe(204);
  });

  it("behind a trusted TLS-ending proxy the forwarded origin is the endpoint's own; without TRYON_TRUST_PROXY those headers are ignored", async () => {
    const inner = 'http://127.0.0.1:8787/api/try-on';
    const forwarded = {
      origin: 'https://shop.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'shop.example',
      'x-forwarded-for': '203.0.113.9',
    };
    const trusted = setup({ trustProxy: 'x-forwarded-for' });
    const made = await trusted.handler(submitRequest({}, { url: `${inner}/jobs`, headers: forwarded }));
    expect(made.status).toBe(202);
    const { job } = (await made.json()) as { job: string };
    const poll = await trusted.handler(
      new Request(`${inner}/jobs/${job}`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.example' } }),
    );
    expect(poll.status).toBe(200);
    const untrusted = setup();
    expect(await errorOf(await untrusted.handler(submitRequest({}, { url: `${inner}/jobs`, headers: forwarded })))).toMatchObject({
      status: 403,
      code: 'origin_not_allowed',
    });
    expect(untrusted.adapter.submits).toHaveLength(0);
  });

  it('same-origin pages (POST with Origin, GET without) share the "self" scope', async () => {
    const s = setup();
    const made = await s.handler(submitRequest({}, { headers: { origin: new URL(BASE).origin } }));
    const { job } = (await made.json()) as { job: string };
    expect((await s.handler(get(`/jobs/${job}`))).status).toBe(200);
  });
});

describe('Turnstile', () => {
  it('a good token for this hostname and action passes; siteverify gets secret, token and an idempotency key', async () => {
    const seen: URLSearchParams[] = [];
    const s = setup({
      turnstile: { secret: 'ts-secret', verifyUrl: 'http://siteverify.test/v0/siteverify' },
      fetch: (async (_input: RequestInfo | URL, init?: RequestInit) => {
        seen.push(new URLSearchParams(String(init?.body)));
        return siteverify({ success: true, hostname: 'localhost', action: 'try-on' });
      }) as typeof fetch,
    });
    const form = await submitRequest({}).formData();
    form.set('turnstileToken', 'good-token');
    const response = await s.handler(new Request(`${BASE}/jobs`, { method: 'POST', body: form }));
    expect(response.status).toBe(202);
    expect(s.adapter.submits).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.get('secret')).toBe('ts-secret');
    expect(seen[0]!.get('response')).toBe('good-token');
    expect(seen[0]!.get('idempotency_key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a missing or refused challenge spends neither the daily caps nor the shopper's budget", async () => {
    const s = setup({
      dailyLimit: 2,
      rateLimits: { 'submit-shopper': { points: 2, windowSec: 3600 }, 'shop-day': 2 },
      turnstile: { secret: 'ts-secret', verifyUrl: 'http://siteverify.test/v0/siteverify' },
      fetch: (async (_input: RequestInfo | URL, init?: RequestInit) =>
        siteverify({
          success: new URLSearchParams(String(init?.body)).get('response') === 'good-token',
          hostname: 'localhost',
          action: 'try-on',
        })) as typeof fetch,
    });
    const send = async (token?: string) => {
      const form = await submitRequest({}).formData();
      if (token) form.set('turnstileToken', token);
      return s.handler(new Request(`${BASE}/jobs`, { method: 'POST', body: form }));
    };
    for (const token of [undefined, 'bot-token', undefined, 'bot-token', 'bot-token']) {
      expect(await errorOf(await send(token))).toMatchObject({ status: 403, code: 'turnstile_failed' });
    }
    // The same shopper photo and the same shop: both budgets of 2 are still whole.
    expect((await send('good-token')).status).toBe(202);
    expect((await send('good-token')).status).toBe(202);
    expect(s.adapter.submits).toHaveLength(2);
    expect((await errorOf(await send('good-token'))).status).toBe(429);
  });

  it('siteverify down → 503 with Retry-After, no provider call', async () => {
    const s = setup({
      turnstile: { secret: 'ts-secret', verifyUrl: 'http://siteverify.test/v0/siteverify' },
      fetch: (async () => new Response('oops', { status: 500 })) as typeof fetch,
    });
    const form = await submitRequest({}).formData();
    form.set('turnstileToken', 'good-token');
    const response = await s.handler(new Request(`${BASE}/jobs`, { method: 'POST', body: form }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(s.adapter.submits).toHaveLength(0);
  });
});

describe('origins', () => {
  it('every answer to a browser names Vary: Origin, never * or null', async () => {
    const A = 'https://shop-a.example';
    const s = setup({ allowedOrigins: [A] });
    for (const request of [
      get('/health', { origin: A }),
      submitRequest({ consent: null }, { headers: { origin: A } }),
      get('/health', { origin: 'null' }),
    ]) {
      const response = await s.handler(request);
      expect(response.headers.get('vary')).toMatch(/Origin/);
      expect(['*', 'null']).not.toContain(response.headers.get('access-control-allow-origin'));
    }
  });
});
