import { describe, expect, it } from 'vitest';
import { errorOf, setup, submitRequest, BASE, GARMENT_URL } from './helpers.ts';
import { garmentPng, makeJpeg, photoPng, pngDeclaring, webpLossless, webpLossy } from './images.ts';
import { LIMITS } from '../../src/protocol.ts';
import { rawMultipart } from './access-helpers.ts';

/** Every case: the status, the code, a readable message, and not one provider (or fetch) call. */
async function expectRefused(request: Request, status: number, code: string, options = {}) {
  const s = setup(options);
  const response = await s.handler(request);
  const error = await errorOf(response);
  expect(error.status).toBe(status);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/^[A-Z].{10,}[.!]$/);
  expect(s.adapter.calls).toBe(0);
  expect(s.fetchCalls).toEqual([]);
  return error;
}

describe('POST /jobs validation happens before any provider call', () => {
  it('accepts real PNG, JPEG and WebP photos and passes their declared size to the adapter', async () => {
    for (const [bytes, type, w, h] of [
      [photoPng, 'image/png', 60, 90],
      [makeJpeg(16, 8), 'image/jpeg', 16, 8],
      [webpLossless, 'image/webp', 1, 1],
      [webpLossy, 'image/webp', 1, 1],
    ] as const) {
      const s = setup();
      const response = await s.handler(submitRequest({ photo: bytes }));
      expect(response.status).toBe(202);
      expect(s.adapter.submits).toHaveLength(1);
      const photo = s.adapter.submits[0]!.photo;
      expect([photo.type, photo.width, photo.height]).toEqual([type, w, h]);
      expect(Buffer.from(photo.bytes).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('photo over 10 MB → 413 photo_too_large', async () => {
    const big = new Uint8Array(LIMITS.photoMaxBytes + 1);
    big.set(photoPng);
    await expectRefused(submitRequest({ photo: big }), 413, 'photo_too_large');
  });

  it('photo declaring over 40 megapixels → 422 photo_too_many_pixels', async () => {
    await expectRefused(submitRequest({ photo: pngDeclaring(8000, 6000) }), 422, 'photo_too_many_pixels');
  });

  it('GIF, HEIC-like and text "photos" → 415 photo_unsupported_type', async () => {
    await expectRefused(submitRequest({ photo: new TextEncoder().encode('GIF89a\x01\x00\x01\x00') }), 415, 'photo_unsupported_type');
    const heic = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0]);
    await expectRefused(submitRequest({ photo: heic }), 415, 'photo_unsupported_type');
    await expectRefused(
      submitRequest({ photo: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>') }),
      415,
      'photo_unsupported_type',
    );
  });

  it('truncated or unparseable photos → 422 photo_corrupt', async () => {
    const jpeg = makeJpeg(16, 16);
    await expectRefused(submitRequest({ photo: jpeg.subarray(0, jpeg.length - 4) }), 422, 'photo_corrupt');
    await expectRefused(submitRequest({ photo: photoPng.subarray(0, photoPng.length - 20) }), 422, 'photo_corrupt');
    await expectRefused(submitRequest({ photo: webpLossy.subarray(0, webpLossy.length - 6) }), 422, 'photo_corrupt');
    await expectRefused(submitRequest({ photo: photoPng.subarray(0, 12) }), 422, 'photo_corrupt');
    await expectRefused(submitRequest({ photo: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) }), 422, 'photo_corrupt');
  });

  it('no photo and no photoRef → 400 photo_missing; a photo sent as text → 400 photo_missing', async () => {
    await expectRefused(submitRequest({ photo: null }), 400, 'photo_missing');
    await expectRefused(submitRequest({ photo: 'data:image/png;base64,AAAA' }), 400, 'photo_missing');
    await expectRefused(submitRequest({ photo: new Uint8Array() }), 400, 'photo_missing');
  });

  it('garment URL: relative, non-http, https elsewhere not allowlisted, http off loopback', async () => {
    await expectRefused(submitRequest({ garment: '/garments/shirt.png' }), 400, 'garment_url_invalid');
    await expectRefused(submitRequest({ garment: 'file:///etc/passwd' }), 400, 'garment_url_invalid');
    await expectRefused(submitRequest({ garment: 'https://user:pw@localhost:5173/a.png' }), 400, 'garment_url_invalid');
    const e = await expectRefused(submitRequest({ garment: 'https://evil.example/a.png' }), 422, 'garment_host_not_allowed');
    expect(e.message).toContain('evil.example');
    await expectRefused(submitRequest({ garment: 'http://cdn.shop.example/a.png' }), 400, 'garment_url_invalid', {
      garmentHosts: ['cdn.shop.example'],
    });
    // Loopback but on another port than this endpoint: not the default allowlist.
    await expectRefused(submitRequest({ garment: 'http://localhost:9999/a.png' }), 422, 'garment_host_not_allowed');
    await expectRefused(submitRequest({ garment: null }), 400, 'garment_missing');
  });

  it('garment URL accepted: own host by default (http on loopback), https on listed hosts and subdomains', async () => {
    const ok = async (garment: string, options = {}) => {
      const s = setup(options);
      const response = await s.handler(submitRequest({ garment }));
      expect(response.status, garment).toBe(202);
      expect(s.adapter.submits[0]!.garmentUrl).toBe(new URL(garment).href);
    };
    await ok(GARMENT_URL);
    await ok('https://cdn.shop.example/a.png', { garmentHosts: ['cdn.shop.example'] });
    await ok('https://img.cdn.shop.example/a.png', { garmentHosts: ['*.shop.example'] });
    await ok('http://127.0.0.1:4000/a.png', { garmentHosts: ['127.0.0.1'] });
  });

  it('unknown category → 400 category_invalid; one the adapter does not map → 422 unsupported_category', async () => {
    await expectRefused(submitRequest({ category: 'scarf' }), 400, 'category_invalid');
    await expectRefused(submitRequest({ category: null }), 400, 'category_invalid');
    await expectRefused(submitRequest({ category: 'shoes' }), 422, 'unsupported_category');
  });

  it('consent missing, empty or over 64 characters → 400 consent_required', async () => {
    await expectRefused(submitRequest({ consent: null }), 400, 'consent_required');
    await expectRefused(submitRequest({ consent: '   ' }), 400, 'consent_required');
    await expectRefused(submitRequest({ consent: 'x'.repeat(65) }), 400, 'consent_required');
    const s = setup();
    expect((await s.handler(submitRequest({ consent: 'x'.repeat(64) }))).status).toBe(202);
  });

  it('a bad size label → 400 bad_request; a good one reaches the adapter', async () => {
    await expectRefused(submitRequest({ size: '<script>' }), 400, 'bad_request');
    const s = setup();
    await s.handler(submitRequest({ size: 'M' }));
    expect(s.adapter.submits[0]!.size).toBe('M');
  });

  it('product without garment: configured product resolves, unknown → 404 product_unknown', async () => {
    await expectRefused(submitRequest({ garment: null, product: 'nope' }), 404, 'product_unknown');
    const s = setup({ products: { shirt: { garment: GARMENT_URL, category: 'top', description: 'Linen shirt' } } });
    const response = await s.handler(submitRequest({ garment: null, category: null, product: 'shirt' }));
    expect(response.status).toBe(202);
    expect(s.adapter.submits[0]).toMatchObject({ garmentUrl: GARMENT_URL, category: 'top', garmentDescription: 'Linen shirt' });
  });

  it('non-multipart bodies → 415 unsupported_media_type', async () => {
    const json = new Request(`${BASE}/jobs`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await expectRefused(json, 415, 'unsupported_media_type');
    const png = new Request(`${BASE}/jobs`, { method: 'POST', body: garmentPng, headers: { 'content-type': 'image/png' } });
    await expectRefused(png, 415, 'unsupported_media_type');
  });

  it('malformed multipart → 400 bad_request', async () => {
    const request = new Request(`${BASE}/jobs`, {
      method: 'POST',
      body: 'not really multipart',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    await expectRefused(request, 400, 'bad_request');
  });

  it('oversized body by Content-Length, and while streaming without one → 413 body_too_large', async () => {
    const declared = new Request(`${BASE}/jobs`, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz', 'content-length': String(12 * 1024 * 1024) },
    });
    await expectRefused(declared, 413, 'body_too_large');

    let pulled = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 40) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = new Request(`${BASE}/jobs`, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      duplex: 'half',
    } as RequestInit);
    await expectRefused(streamed, 413, 'body_too_large');
    // It stopped reading soon after the limit instead of taking the whole 40 MB.
    expect(pulled).toBeLessThan(16);
  });

  it('unknown fields, and 10,000 tiny ones, → 400 bad_request as their part arrives, before the body is read whole', async () => {
    const valid = [
      { name: 'consent', value: 'v1' },
      { name: 'category', value: 'top' },
      { name: 'garment', value: GARMENT_URL },
      { name: 'photo', value: photoPng, filename: 'p.png' },
    ];
    const unknown = rawMultipart([...valid, { name: 'debug', value: '1' }]);
    const error = await expectRefused(
      new Request(`${BASE}/jobs`, { method: 'POST', body: unknown.body, headers: { 'content-type': unknown.type } }),
      400,
      'bad_request',
    );
    expect(error.message).toMatch(/^The field "debug" is not part of this request; send only photo, photoRef, garment, .*\.$/);

    const flood = rawMultipart([...valid, ...Array.from({ length: 10_000 }, (_, i) => ({ name: `f${i}`, value: 'x' }))]);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= flood.body.length) return controller.close();
        controller.enqueue(flood.body.slice(pulled, pulled + 16 * 1024));
        pulled += 16 * 1024;
      },
    });
    const request = new Request(`${BASE}/jobs`, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': flood.type },
      duplex: 'half',
    } as RequestInit);
    expect((await expectRefused(request, 400, 'bad_request')).message).toContain('"f0"');
    // Refused at the first extra field: most of the ~700 KB was never read.
    expect(pulled).toBeLessThan(flood.body.length / 4);
  });

  it('a malformed Idempotency-Key → 400 idempotency_key_invalid', async () => {
    await expectRefused(submitRequest({}, { headers: { 'idempotency-key': 'x'.repeat(300) } }), 400, 'idempotency_key_invalid');
  });
});
