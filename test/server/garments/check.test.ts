/**
 * GET {base}/check: the widget's question before the shopper gives anything. Each refusal a
 * submit would meet comes back with its code, nothing is spent or fetched, answers are kept a
 * minute, and every refusal is logged with its code and what was refused.
 */
import { describe, expect, it } from 'vitest';
import { BASE, errorOf, FAKE_KEY, get, GARMENT_URL, ORIGIN, setup, submitRequest } from '../helpers.ts';
import { CHECK_TTL_MS } from '../../../src/server/garments/check.ts';

const SHOP = 'https://shop.example';
const check = (query: Record<string, string>, headers: Record<string, string> = {}) => get(`/check?${new URLSearchParams(query)}`, headers);
type Entry = Record<string, unknown>;
const refusals = (logs: object[]) => (logs as Entry[]).filter((e) => e.event === 'refused');

describe('GET /check', () => {
  it('answers 200 with the category for a product the catalog knows, without a provider call or a fetch', async () => {
    const s = setup({ products: { shirt: { garment: GARMENT_URL, category: 'dress' } } });
    const response = await s.handler(check({ product: 'shirt' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, category: 'dress' });
    expect(await (await s.handler(check({ garment: GARMENT_URL, category: 'top' }))).json()).toEqual({ ok: true, category: 'top' });
    expect(s.adapter.calls).toBe(0);
    expect(s.fetchCalls).toEqual([]);
  });

  it('refuses with the code a submit would get, each message naming the setting that fixes it', async () => {
    const s = setup({ products: { shirt: { garment: GARMENT_URL } } });
    const cases: Array<[Record<string, string>, number, string, RegExp]> = [
      [{ product: 'nope', category: 'top' }, 404, 'product_unknown', /TRYON_CATALOG/],
      [{ garment: 'https://elsewhere.example/g.png', category: 'top' }, 422, 'garment_host_not_allowed', /TRYON_GARMENT_HOSTS/],
      [{ garment: GARMENT_URL, category: 'shoes' }, 422, 'unsupported_category', /category.*TRYON_PROVIDER/],
      [{ garment: GARMENT_URL, category: 'cape' }, 400, 'category_invalid', /category must be one of/],
      [{ category: 'top' }, 400, 'garment_missing', /garment/],
      [{ garment: 'not a url', category: 'top' }, 400, 'garment_url_invalid', /https/],
    ];
    for (const [query, status, code, message] of cases) {
      const error = await errorOf(await s.handler(check(query)));
      expect(error, code).toMatchObject({ status, code });
      expect(error.message, code).toMatch(message);
    }
    expect(s.adapter.calls).toBe(0);
    expect(s.fetchCalls).toEqual([]);
  });

  it('refuses a garment host that resolves to a private address (a lookup, no fetch); an unlisted host is never looked up', async () => {
    const looked: string[] = [];
    const s = setup({
      devAllowLoopback: false,
      garmentHosts: ['cdn.shop.example'],
      resolveHost: async (host) => {
        looked.push(host);
        return ['10.0.0.7'];
      },
    });
    const error = await errorOf(await s.handler(check({ garment: 'https://cdn.shop.example/g.png', category: 'top' })));
    expect(error).toMatchObject({ status: 422, code: 'garment_address_not_allowed' });
    expect(looked).toEqual(['cdn.shop.example']);
    await s.handler(check({ garment: 'https://other.example/g.png', category: 'top' }));
    expect(looked).toEqual(['cdn.shop.example']);
    expect(s.fetchCalls).toEqual([]);
  });

  it('keeps answers, refusals included, a minute per key: the catalog is asked once', async () => {
    let asked = 0;
    const s = setup({
      resolveProduct: (id) => {
        asked++;
        return id === 'shirt' ? { garment: GARMENT_URL, category: 'top' } : undefined;
      },
    });
    for (let i = 0; i < 3; i++) expect((await s.handler(check({ product: 'shirt' }))).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await s.handler(check({ product: 'gone' }))).status).toBe(404);
    expect(asked).toBe(2);
    s.clock.advance(CHECK_TTL_MS + 1);
    await s.handler(check({ product: 'shirt' }));
    expect(asked).toBe(3);
  });

  it('answers a foreign origin with a refusal the page can read; other routes stay unreadable', async () => {
    const s = setup({ allowedOrigins: [SHOP] });
    const refused = await s.handler(check({ garment: GARMENT_URL, category: 'top' }, { origin: 'https://evil.example' }));
    expect(await errorOf(refused)).toMatchObject({ status: 403, code: 'origin_not_allowed' });
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    const sandboxed = await s.handler(check({ garment: GARMENT_URL, category: 'top' }, { origin: 'null' }));
    expect(sandboxed.headers.get('access-control-allow-origin')).toBeNull();
    const jobs = await s.handler(submitRequest({}, { headers: { origin: 'https://evil.example' } }));
    expect(jobs.status).toBe(403);
    expect(jobs.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await s.handler(check({ garment: GARMENT_URL, category: 'top' }, { origin: SHOP }));
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(s.adapter.calls).toBe(0);
  });

  it('answers only GET', async () => {
    const s = setup();
    const response = await s.handler(new Request(`${BASE}/check`, { method: 'POST' }));
    expect(await errorOf(response)).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });
});

describe('refusal log lines', () => {
  it('name the code and the refused origin, host or product, and never the key', async () => {
    const s = setup({ allowedOrigins: [SHOP], products: {} });
    // A browser's preflight from a page origin nobody allowed: before this, only "OPTIONS /jobs 403".
    await s.handler(
      new Request(`${BASE}/jobs`, {
        method: 'OPTIONS',
        headers: { origin: 'https://stranger.example', 'access-control-request-method': 'POST' },
      }),
    );
    await s.handler(submitRequest({ garment: 'https://elsewhere.example:8443/g.png' }));
    await s.handler(check({ product: 'missing-shirt', category: 'top' }));
    await s.handler(check({ garment: GARMENT_URL, category: 'shoes' }));
    const lines = refusals(s.logs);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        code: 'origin_not_allowed',
        origin: 'https://stranger.example',
        method: 'OPTIONS',
        path: '/api/try-on/jobs',
      }),
      expect.objectContaining({ level: 'warn', code: 'garment_host_not_allowed', host: 'elsewhere.example:8443', status: 422 }),
      expect.objectContaining({ level: 'warn', code: 'product_unknown', product: 'missing-shirt', status: 404 }),
      expect.objectContaining({ level: 'warn', code: 'unsupported_category', category: 'shoes', provider: 'counting' }),
    ]);
    for (const line of lines) expect(line.requestId ?? line.origin).toBeTruthy();
    expect(JSON.stringify(s.logs)).not.toContain(FAKE_KEY);
  });

  it('log a shopper-side refusal (a missing consent) as information with its code', async () => {
    const s = setup();
    await s.handler(submitRequest({ consent: null }));
    expect(refusals(s.logs)).toEqual([expect.objectContaining({ level: 'info', code: 'consent_required', status: 400 })]);
  });
});

describe('ports in the allowlists', () => {
  it('a garment host entry without a port allows every port; with a port, only that one', async () => {
    const s = setup({
      devAllowLoopback: false,
      garmentHosts: ['cdn.shop.example', 'img.shop.example:8443'],
      resolveHost: async () => ['93.184.216.34'],
    });
    const status = async (garment: string) => (await s.handler(check({ garment, category: 'top' }))).status;
    expect(await status('https://cdn.shop.example:8443/g.png')).toBe(200);
    expect(await status('https://cdn.shop.example/g.png')).toBe(200);
    expect(await status('https://img.shop.example:8443/g.png')).toBe(200);
    expect(await status('https://img.shop.example/g.png')).toBe(422);
    expect(await status('https://img.shop.example:9000/g.png')).toBe(422);
  });

  it('an allowed origin is exact: a page on another port is another origin and needs its own entry', async () => {
    const s = setup({ allowedOrigins: [SHOP, 'http://localhost:3000'] });
    const status = async (origin: string) => (await s.handler(check({ garment: GARMENT_URL, category: 'top' }, { origin }))).status;
    expect(await status(SHOP)).toBe(200);
    expect(await status('https://shop.example:8443')).toBe(403);
    expect(await status('http://localhost:3000')).toBe(200);
    expect(await status('http://localhost:3001')).toBe(403);
    // The endpoint's own origin needs no entry.
    expect(await status(ORIGIN)).toBe(200);
  });
});
