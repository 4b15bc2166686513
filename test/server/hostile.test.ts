/**
 * The hostile-input suite: distinct malformed or abusive requests, each answered with the right
 * 4xx, the protocol's error JSON and a sentence, and not one provider call (the counting adapter
 * and the counting fetch both stay at zero; Turnstile cases may only reach siteverify).
 */
import { describe, expect, it } from 'vitest';
import { BASE, CountingAdapter, errorOf, get, ORIGIN, setup, submitRequest, type Setup } from './helpers.ts';
import type { HandlerOptions } from '../../src/server/options.ts';
import { LIMITS } from '../../src/protocol.ts';
import { makeJpeg, makePng, photoPng, pngDeclaring } from './images.ts';
import { rawMultipart, shopifyUrl, siteverify, SHOPIFY_SECRET, stalledStream, zeroStream } from './access-helpers.ts';

const SHOP_A = 'https://shop-a.example';
const SITEVERIFY = 'http://siteverify.test/turnstile/v0/siteverify';
const DNS: Record<string, string[]> = {
  'metadata.shop.example': ['169.254.169.254'],
  'mixed.shop.example': ['93.184.216.34', '10.0.0.5'],
  'mapped.shop.example': ['::ffff:127.0.0.1'],
  'public.shop.example': ['93.184.216.34'],
  'loopback.shop.example': ['127.0.0.1'],
  'loopback6.shop.example': ['::1'],
  'private.shop.example': ['10.0.0.7'],
};
const garmentHosts = ['*.shop.example', '[fd00::1]', 'localhost:5173'];
const resolveHost = async (host: string) => {
  const found = DNS[host];
  if (!found) throw new Error('ENOTFOUND');
  return found;
};

/** The production address policy: no development loopback exception. */
const prod = { garmentHosts, resolveHost, devAllowLoopback: false };

interface Case {
  name: string;
  status: number;
  code: string;
  options?: HandlerOptions;
  /** Builds the hostile request; may first make legitimate calls through `s`. */
  request: (s: Setup) => Request | Promise<Request>;
}

const submitWith =
  (fields: Parameters<typeof submitRequest>[0], headers: Record<string, string> = {}) =>
  () =>
    submitRequest(fields, { headers });
const rawSubmit = (parts: Parameters<typeof rawMultipart>[0]) => () => {
  const { body, type } = rawMultipart(parts);
  return new Request(`${BASE}/jobs`, { method: 'POST', body, headers: { 'content-type': type } });
};
const validParts = [
  { name: 'consent', value: 'v1' },
  { name: 'category', value: 'top' },
  { name: 'garment', value: `${ORIGIN}/garments/shirt.png` },
];
const truncate = (bytes: Uint8Array, keep: number) => bytes.slice(0, keep);
const jpegDeclaring = (w: number, h: number) => {
  const jpeg = makeJpeg(16, 8);
  // SOF0 sits after SOI (2) + DQT (69); height and width follow its length and precision bytes.
  const sof = jpeg.indexOf(0xc0, 2) + 4;
  jpeg.set([(h >> 8) & 0xff, h & 0xff, (w >> 8) & 0xff, w & 0xff], sof);
  return jpeg;
};
const gif = new Uint8Array([
  ...new TextEncoder().encode('GIF89a'),
  1,
  0,
  1,
  0,
  0,
  0,
  0,
  0x2c,
  0,
  0,
  0,
  0,
  1,
  0,
  1,
  0,
  0,
  2,
  2,
  0x44,
  1,
  0,
  0x3b,
]);
const heic = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0, ...new TextEncoder().encode('mif1heic')]);
const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>');

/** A job made through `s` by a shopper of Shopify shop `shop` (app proxy mode); returns its token and photo handle. */
async function madeShopJob(s: Setup, shop: string): Promise<{ job: string; photoRef: string }> {
  const response = await s.handler(submitRequest({}, { url: await shopifyUrl('/jobs', shop, s.clock.t) }));
  expect(response.status).toBe(202);
  return (await response.json()) as { job: string; photoRef: string };
}

const turnstile = (answer: Parameters<typeof siteverify>[0] | undefined): HandlerOptions => ({
  turnstile: { secret: 'turnstile-secret-for-tests', verifyUrl: SITEVERIFY },
  fetch: (async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    siteverifyCalls.push(url);
    if (url !== SITEVERIFY || !answer) return new Response('unexpected', { status: 599 });
    return siteverify(answer);
  }) as typeof fetch,
});
let siteverifyCalls: string[] = [];

const cases: Case[] = [
  // request shape
  { name: 'GET /jobs', status: 405, code: 'method_not_allowed', request: () => get('/jobs') },
  { name: 'PUT /jobs/{job}', status: 405, code: 'method_not_allowed', request: () => new Request(`${BASE}/jobs/x`, { method: 'PUT' }) },
  {
    name: 'text/plain submit',
    status: 415,
    code: 'unsupported_media_type',
    request: () => new Request(`${BASE}/jobs`, { method: 'POST', body: 'photo=1', headers: { 'content-type': 'text/plain' } }),
  },
  {
    name: 'JSON submit',
    status: 415,
    code: 'unsupported_media_type',
    request: () => new Request(`${BASE}/jobs`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
  },
  {
    name: 'declared 1 GB Content-Length',
    status: 413,
    code: 'body_too_large',
    request: () =>
      new Request(`${BASE}/jobs`, {
        method: 'POST',
        body: zeroStream(1024).stream,
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(1024 ** 3) },
        duplex: 'half',
      } as RequestInit),
  },
  {
    name: 'streamed 1 GB without Content-Length',
    status: 413,
    code: 'body_too_large',
    request: () =>
      new Request(`${BASE}/jobs`, {
        method: 'POST',
        body: zeroStream(1024 ** 3).stream,
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        duplex: 'half',
      } as RequestInit),
  },
  {
    name: 'a body that never ends',
    status: 408,
    code: 'body_timeout',
    options: { bodyTimeoutMs: 150 },
    request: () =>
      new Request(`${BASE}/jobs`, {
        method: 'POST',
        body: stalledStream(),
        headers: { 'content-type': 'multipart/form-data; boundary=b0undary' },
        duplex: 'half',
      } as RequestInit),
  },
  {
    name: 'multipart with the wrong boundary',
    status: 400,
    code: 'bad_request',
    request: () =>
      new Request(`${BASE}/jobs`, {
        method: 'POST',
        body: '--other\r\n\r\nx\r\n--other--',
        headers: { 'content-type': 'multipart/form-data; boundary=b0undary' },
      }),
  },
  {
    name: 'a field sent twice',
    status: 400,
    code: 'bad_request',
    request: rawSubmit([...validParts, { name: 'category', value: 'dress' }, { name: 'photo', value: photoPng, filename: 'p.png' }]),
  },
  {
    name: 'a field the protocol does not have',
    status: 400,
    code: 'bad_request',
    request: rawSubmit([
      ...validParts,
      { name: 'webhook_url', value: 'https://evil.example/' },
      { name: 'photo', value: photoPng, filename: 'p.png' },
    ]),
  },
  {
    name: '10,000 tiny fields',
    status: 400,
    code: 'bad_request',
    request: rawSubmit([
      ...validParts,
      { name: 'photo', value: photoPng, filename: 'p.png' },
      ...Array.from({ length: 10_000 }, (_, i) => ({ name: `f${i}`, value: 'x' })),
    ]),
  },
  {
    name: 'consent sent as a file',
    status: 400,
    code: 'bad_request',
    request: rawSubmit([{ name: 'consent', value: 'v1', filename: 'c.txt' }]),
  },
  // fields
  { name: 'no consent', status: 400, code: 'consent_required', request: submitWith({ consent: null }) },
  { name: 'consent of 65 characters', status: 400, code: 'consent_required', request: submitWith({ consent: 'v'.repeat(65) }) },
  { name: 'unknown category', status: 400, code: 'category_invalid', request: submitWith({ category: 'scarf' }) },
  { name: 'category the provider cannot dress', status: 422, code: 'unsupported_category', request: submitWith({ category: 'shoes' }) },
  { name: 'size with markup', status: 400, code: 'bad_request', request: submitWith({ size: '<img src=x onerror=alert(1)>' }) },
  {
    name: 'Idempotency-Key with a control character',
    status: 400,
    code: 'idempotency_key_invalid',
    request: submitWith({}, { 'idempotency-key': 'a\u0001b' }),
  },
  // garments and products
  { name: 'no garment, no product', status: 400, code: 'garment_missing', request: submitWith({ garment: null }) },
  { name: 'javascript: garment', status: 400, code: 'garment_url_invalid', request: submitWith({ garment: 'javascript:alert(1)' }) },
  { name: 'file: garment', status: 400, code: 'garment_url_invalid', request: submitWith({ garment: 'file:///etc/passwd' }) },
  {
    name: 'plain http garment off loopback',
    status: 400,
    code: 'garment_url_invalid',
    options: { garmentHosts },
    request: submitWith({ garment: 'http://public.shop.example/a.png' }),
  },
  {
    name: 'garment URL with credentials',
    status: 400,
    code: 'garment_url_invalid',
    options: { garmentHosts },
    request: submitWith({ garment: 'https://user:pw@public.shop.example/a.png' }),
  },
  {
    name: 'garment on a foreign host',
    status: 422,
    code: 'garment_host_not_allowed',
    options: { garmentHosts },
    request: submitWith({ garment: 'https://evil.example/a.png' }),
  },
  {
    name: 'garment on a look-alike host',
    status: 422,
    code: 'garment_host_not_allowed',
    options: { garmentHosts },
    request: submitWith({ garment: 'https://public.shop.example.evil.example/a.png' }),
  },
  {
    name: 'garment host resolving to the metadata service',
    status: 422,
    code: 'garment_address_not_allowed',
    options: prod,
    request: submitWith({ garment: 'https://metadata.shop.example/a.png' }),
  },
  {
    name: 'garment host with one private address among public ones',
    status: 422,
    code: 'garment_address_not_allowed',
    options: prod,
    request: submitWith({ garment: 'https://mixed.shop.example/a.png' }),
  },
  {
    name: 'garment host resolving to IPv4-mapped loopback',
    status: 422,
    code: 'garment_address_not_allowed',
    options: prod,
    request: submitWith({ garment: 'https://mapped.shop.example/a.png' }),
  },
  {
    name: 'garment host resolving to 127.0.0.1',
    status: 422,
    code: 'garment_address_not_allowed',
    options: prod,
    request: submitWith({ garment: 'https://loopback.shop.example/a.png' }),
  },
  {
    name: 'garment host resolving to ::1',
    status: 422,
    code: 'garment_address_not_allowed',
    options: prod,
    request: submitWith({ garment: 'https://loopback6.shop.example/a.png' }),
  },
  {
    name: 'garment host resolving to 10.x',
    status: 422,
    code: 'garment_address_not_allowed',
    options: prod,
    request: submitWith({ garment: 'https://private.shop.example/a.png' }),
  },
  {
    name: "garment on the endpoint's own host without TRYON_GARMENT_HOSTS",
    status: 422,
    code: 'garment_host_not_allowed',
    options: { garmentHosts: [] },
    request: submitWith({}),
  },
  {
    name: 'garment at a unique-local IPv6 literal',
    status: 422,
    code: 'garment_address_not_allowed',
    options: prod,
    request: submitWith({ garment: 'https://[fd00::1]/a.png' }),
  },
  { name: 'unknown product', status: 404, code: 'product_unknown', request: submitWith({ garment: null, product: 'no-such-product' }) },
  {
    name: 'unknown product, no category (as the widget sends it)',
    status: 404,
    code: 'product_unknown',
    request: submitWith({ garment: null, category: null, product: 'no-such-product' }),
  },
  {
    name: 'product id of 200 characters',
    status: 400,
    code: 'bad_request',
    request: submitWith({ garment: null, product: 'p'.repeat(200) }),
  },
  {
    name: 'catalog product whose garment is on a private address',
    status: 422,
    code: 'garment_address_not_allowed',
    options: {
      ...prod,
      resolveProduct: (id) => (id === 'trap' ? { garment: 'https://metadata.shop.example/x.png', category: 'top' } : undefined),
    },
    request: submitWith({ garment: null, product: 'trap' }),
  },
  // photos
  { name: 'no photo', status: 400, code: 'photo_missing', request: submitWith({ photo: null }) },
  { name: 'photo sent as text', status: 400, code: 'photo_missing', request: submitWith({ photo: 'data:image/png;base64,AAAA' }) },
  { name: 'empty photo file', status: 400, code: 'photo_missing', request: submitWith({ photo: new Uint8Array(0) }) },
  { name: 'GIF photo', status: 415, code: 'photo_unsupported_type', request: submitWith({ photo: gif }) },
  { name: 'SVG photo with a script', status: 415, code: 'photo_unsupported_type', request: submitWith({ photo: svg }) },
  { name: 'HEIC photo', status: 415, code: 'photo_unsupported_type', request: submitWith({ photo: heic }) },
  { name: 'truncated PNG', status: 422, code: 'photo_corrupt', request: submitWith({ photo: truncate(photoPng, photoPng.length - 20) }) },
  {
    name: 'truncated JPEG',
    status: 422,
    code: 'photo_corrupt',
    request: submitWith({ photo: truncate(makeJpeg(64, 64), makeJpeg(64, 64).length - 40) }),
  },
  {
    name: 'PNG declaring 100000×100000 (pixel flood)',
    status: 422,
    code: 'photo_too_many_pixels',
    request: submitWith({ photo: pngDeclaring(100_000, 100_000) }),
  },
  {
    name: 'JPEG declaring 65000×65000 (pixel flood)',
    status: 422,
    code: 'photo_too_many_pixels',
    request: submitWith({ photo: jpegDeclaring(65_000, 65_000) }),
  },
  {
    name: 'photo over 10 MB inside the body cap',
    status: 413,
    code: 'photo_too_large',
    request: () => {
      const big = new Uint8Array(LIMITS.photoMaxBytes + 1);
      big.set(makePng(2, 2, () => [1, 2, 3]));
      return submitRequest({ photo: big });
    },
  },
  {
    name: 'forged photoRef',
    status: 400,
    code: 'photo_ref_invalid',
    request: submitWith({ photo: null, photoRef: `${'A'.repeat(24)}.${'B'.repeat(43)}` }),
  },
  // access
  {
    name: 'Origin: null',
    status: 403,
    code: 'origin_not_allowed',
    options: { allowedOrigins: [SHOP_A] },
    request: submitWith({}, { origin: 'null' }),
  },
  {
    name: 'foreign origin',
    status: 403,
    code: 'origin_not_allowed',
    options: { allowedOrigins: [SHOP_A] },
    request: submitWith({}, { origin: 'https://evil.example' }),
  },
  {
    name: 'forged job token',
    status: 401,
    code: 'job_token_invalid',
    request: () => get('/jobs/eyJhbGciOiJIUzI1NiJ9.eyJwIjoiY291bnRpbmcifQ.c2lnbmF0dXJl'),
  },
  {
    name: 'unsigned (alg none) job token',
    status: 401,
    code: 'job_token_invalid',
    request: () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return get(
        `/jobs/${b64({ alg: 'none', typ: 'JWT' })}.${b64({ p: 'counting', j: 'job-1', r: 'x', s: 'self', aud: 'try-on-job', exp: 4e9 })}.`,
      );
    },
  },
  {
    name: 'proxy mode, photoRef of another shop',
    status: 403,
    code: 'token_scope_mismatch',
    options: { shopifySecret: SHOPIFY_SECRET },
    request: async (s) => {
      const { photoRef } = await madeShopJob(s, 'shop-a.myshopify.com');
      return submitRequest({ photo: null, photoRef }, { url: await shopifyUrl('/jobs', 'shop-b.myshopify.com', s.clock.t) });
    },
  },
  {
    name: "proxy mode, DELETE of another shop's photo",
    status: 403,
    code: 'token_scope_mismatch',
    options: { shopifySecret: SHOPIFY_SECRET },
    request: async (s) => {
      const { photoRef } = await madeShopJob(s, 'shop-a.myshopify.com');
      return new Request(await shopifyUrl(`/photos/${photoRef}`, 'shop-b.myshopify.com', s.clock.t), { method: 'DELETE' });
    },
  },
  {
    name: "proxy mode, DELETE of another shop's job",
    status: 403,
    code: 'token_scope_mismatch',
    options: { shopifySecret: SHOPIFY_SECRET },
    request: async (s) => {
      const { job } = await madeShopJob(s, 'shop-a.myshopify.com');
      return new Request(await shopifyUrl(`/jobs/${job}`, 'shop-b.myshopify.com', s.clock.t), { method: 'DELETE' });
    },
  },
  {
    name: 'DELETE of a forged photoRef',
    status: 400,
    code: 'photo_ref_invalid',
    request: () => new Request(`${BASE}/photos/not-a-handle`, { method: 'DELETE' }),
  },
  { name: 'file id with traversal', status: 404, code: 'not_found', request: () => get('/files/..%2F..%2Fetc%2Fpasswd') },
  // Shopify app proxy mode
  {
    name: 'proxy mode without a signature',
    status: 401,
    code: 'proxy_signature_invalid',
    options: { shopifySecret: SHOPIFY_SECRET },
    request: submitWith({}),
  },
  {
    name: 'proxy mode, shop changed after signing',
    status: 401,
    code: 'proxy_signature_invalid',
    options: { shopifySecret: SHOPIFY_SECRET },
    request: async (s) =>
      submitRequest({}, { url: (await shopifyUrl('/jobs', 'shop-a.myshopify.com', s.clock.t)).replace('shop=shop-a', 'shop=shop-b') }),
  },
  {
    name: 'proxy mode, signature ten minutes old',
    status: 401,
    code: 'proxy_signature_invalid',
    options: { shopifySecret: SHOPIFY_SECRET },
    request: async (s) => submitRequest({}, { url: await shopifyUrl('/jobs', 'shop-a.myshopify.com', s.clock.t - 10 * 60_000) }),
  },
  {
    name: "proxy mode, signed with another app's secret",
    status: 401,
    code: 'proxy_signature_invalid',
    options: { shopifySecret: SHOPIFY_SECRET },
    request: async (s) => submitRequest({}, { url: await shopifyUrl('/jobs', 'shop-a.myshopify.com', s.clock.t, 'another-apps-secret') }),
  },
  {
    name: 'proxy mode, job token of another shop',
    status: 403,
    code: 'token_scope_mismatch',
    options: { shopifySecret: SHOPIFY_SECRET },
    request: async (s) => {
      const response = await s.handler(submitRequest({}, { url: await shopifyUrl('/jobs', 'shop-a.myshopify.com', s.clock.t) }));
      expect(response.status).toBe(202);
      const { job } = (await response.json()) as { job: string };
      return get(new URL(await shopifyUrl(`/jobs/${job}`, 'shop-b.myshopify.com', s.clock.t)).href.slice(BASE.length));
    },
  },
  // Turnstile
  {
    name: 'Turnstile token missing',
    status: 403,
    code: 'turnstile_failed',
    options: turnstile({ success: true, hostname: 'localhost', action: 'try-on' }),
    request: submitWith({}),
  },
  { name: 'Turnstile says no', status: 403, code: 'turnstile_failed', options: turnstile({ success: false }), request: () => withToken() },
  {
    name: 'Turnstile token from another site',
    status: 403,
    code: 'turnstile_failed',
    options: turnstile({ success: true, hostname: 'evil.example', action: 'try-on' }),
    request: () => withToken(),
  },
  {
    name: 'Turnstile token for another action',
    status: 403,
    code: 'turnstile_failed',
    options: turnstile({ success: true, hostname: 'localhost', action: 'login' }),
    request: () => withToken(),
  },
];

/** A valid submit; the test adds the Turnstile token field for Turnstile cases. */
const withToken = () => submitRequest({});

describe('hostile input: every refusal is the right 4xx, the protocol error JSON, and zero provider calls', () => {
  it(`holds at least 30 distinct cases (${cases.length})`, () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      siteverifyCalls = [];
      const s = setup(c.options ?? {}, new CountingAdapter());
      let request = await c.request(s);
      if (c.options?.turnstile && c.name !== 'Turnstile token missing') {
        const form = await request.formData();
        form.set('turnstileToken', 'XXXX.DUMMY.TOKEN.XXXX');
        request = new Request(request.url, { method: 'POST', body: form });
      }
      const before = { submits: s.adapter.submits.length, statusCalls: s.adapter.statusCalls, fetches: s.fetchCalls.length };
      const response = await s.handler(request);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const error = await errorOf(response);
      expect({ status: error.status, code: error.code }).toEqual({ status: c.status, code: c.code });
      expect(error.message).toMatch(/^[A-Z].{10,}[.!]$/);
      expect(s.adapter.submits.length).toBe(before.submits);
      expect(s.adapter.statusCalls).toBe(before.statusCalls);
      expect(s.fetchCalls.length).toBe(before.fetches);
      // Turnstile cases may only have asked siteverify, never a provider.
      expect(siteverifyCalls.every((url) => url === SITEVERIFY)).toBe(true);
    });
  }
});
