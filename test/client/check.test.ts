/**
 * checkProduct: the widget's side of GET {endpoint}/check. A setup refusal or a yes is kept for
 * the page's life (one request per endpoint and product); an answer that says nothing about the
 * setup (offline, busy, an endpoint without the route) is not, and never blocks the try-on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkProduct } from '../../src/client/check.ts';

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

describe('checkProduct', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks once per endpoint and product, with the fields a submit sends, and keeps a setup refusal', async () => {
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return answer(422, { error: { code: 'garment_host_not_allowed', message: 'Add it to TRYON_GARMENT_HOSTS.' } });
    });
    const fields = { product: undefined, garment: 'https://cdn.other.example/a.png', category: 'top' };
    const first = await checkProduct('https://shop.example/api/try-on', fields);
    const second = await checkProduct('https://shop.example/api/try-on', fields);
    expect(first).toMatchObject({ code: 'garment_host_not_allowed', status: 422, message: 'Add it to TRYON_GARMENT_HOSTS.' });
    expect(second).toBe(first);
    expect(asked).toEqual(['https://shop.example/api/try-on/check?garment=https%3A%2F%2Fcdn.other.example%2Fa.png&category=top']);
  });

  it('a yes is kept too; a 404 (no such route), a 429 or no answer at all is asked again next time and lets the try-on go on', async () => {
    const answers = [answer(200, { ok: true, category: 'top' })];
    let calls = 0;
    vi.stubGlobal('fetch', async () => {
      calls++;
      return answers.shift() ?? answer(200, {});
    });
    expect(await checkProduct('https://a.example/t', { product: 'p1' })).toBeUndefined();
    expect(await checkProduct('https://a.example/t', { product: 'p1' })).toBeUndefined();
    expect(calls).toBe(1);

    for (const next of [
      () => answer(404, { error: { code: 'not_found', message: 'Nothing here.' } }),
      () => answer(429, { error: { code: 'rate_limited', message: 'Slow down.' } }),
      () => new Response('<html>bad gateway</html>', { status: 502 }),
      () => Promise.reject(new TypeError('Failed to fetch')),
    ]) {
      calls = 0;
      vi.stubGlobal('fetch', async () => {
        calls++;
        return next();
      });
      expect(await checkProduct('https://a.example/t', { product: 'p2' })).toBeUndefined();
      expect(await checkProduct('https://a.example/t', { product: 'p2' })).toBeUndefined();
      expect(calls).toBe(2);
    }
  });
});
