import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { submitJob } from '../../src/client/submit.ts';
import { ClientError } from '../../src/client/errors.ts';
import { SUBMIT_RETRIES } from '../../src/client/polling.ts';
import { SUBMIT_FIELDS } from '../../src/protocol.ts';
import { scriptedFetch } from './fake-endpoint.ts';

const endpoint = 'https://shop.example/api/try-on';
const accepted = { job: 'signed.job.token', status: 'queued', pollAfterMs: 2000, photoRef: 'ref1' };
const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], { type: 'image/jpeg' });
const fields = { photo, garment: 'https://shop.example/g.png', product: 'shirt', category: 'top', consent: '2026-11', size: 'M' };

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function settle<T>(promise: Promise<T>) {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

describe('submitJob', () => {
  it('POSTs multipart with the protocol field names and the Idempotency-Key header', async () => {
    const { fetch, calls } = scriptedFetch([{ json: accepted, status: 202 }]);
    const answer = await submitJob(endpoint, fields, { idempotencyKey: 'key-1', fetch });
    expect(answer).toEqual(accepted);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(`${endpoint}/jobs`);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.headers.get('Idempotency-Key')).toBe('key-1');
    const form = calls[0]!.body as FormData;
    expect(form.get(SUBMIT_FIELDS.garment)).toBe(fields.garment);
    expect(form.get(SUBMIT_FIELDS.product)).toBe('shirt');
    expect(form.get(SUBMIT_FIELDS.category)).toBe('top');
    expect(form.get(SUBMIT_FIELDS.consent)).toBe('2026-11');
    expect(form.get(SUBMIT_FIELDS.size)).toBe('M');
    const sent = form.get(SUBMIT_FIELDS.photo) as File;
    expect(sent.size).toBe(4);
    expect(sent.type).toBe('image/jpeg');
    expect(form.has(SUBMIT_FIELDS.photoRef)).toBe(false);
  });

  it('re-sends after a network error and a 503 with the SAME key, honouring Retry-After', async () => {
    const { fetch, calls } = scriptedFetch([
      { networkError: true },
      { json: { error: { code: 'provider_unavailable', message: 'Later.' } }, status: 503, headers: { 'Retry-After': '2' } },
      { json: accepted, status: 202 },
    ]);
    const result = settle(submitJob(endpoint, fields, { idempotencyKey: 'key-2', fetch, random: () => 0 }));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await result).toEqual({ ok: true, value: accepted });
    expect(calls.map((c) => c.headers.get('Idempotency-Key'))).toEqual(['key-2', 'key-2', 'key-2']);
    // 250 ms floor after the network error, then the server's 2 s.
    expect(calls.map((c) => c.at)).toEqual([0, 250, 2250]);
  });

  it('gives up after a bounded number of gateway errors with the endpoint code', async () => {
    const gateway = { json: { error: { code: 'provider_timeout', message: 'Took too long.' } }, status: 504 };
    const { fetch, calls } = scriptedFetch(Array.from({ length: 10 }, () => gateway));
    const result = settle(submitJob(endpoint, fields, { idempotencyKey: 'k', fetch }));
    await vi.advanceTimersByTimeAsync(60_000);
    const outcome = await result;
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: ClientError }).error).toMatchObject({ code: 'provider_timeout', status: 504, message: 'Took too long.' });
    expect(calls).toHaveLength(SUBMIT_RETRIES + 1);
  });

  it('does not retry a refusal: the ClientError carries code, message, status and details', async () => {
    const { fetch, calls } = scriptedFetch([
      { json: { error: { code: 'photo_too_many_pixels', message: 'Use a smaller photo.', details: ['40 MP max'] } }, status: 422 },
    ]);
    const outcome = await settle(submitJob(endpoint, fields, { idempotencyKey: 'k', fetch }));
    expect((outcome as { error: ClientError }).error).toMatchObject({
      code: 'photo_too_many_pixels',
      message: 'Use a smaller photo.',
      status: 422,
      details: ['40 MP max'],
    });
    expect(calls).toHaveLength(1);
  });

  it('maps a 429 with Retry-After to rate_limited with retryAfterMs, without retrying', async () => {
    const { fetch, calls } = scriptedFetch([
      { json: { error: { code: 'rate_limited', message: 'Wait.' } }, status: 429, headers: { 'Retry-After': '30' } },
    ]);
    const outcome = await settle(submitJob(endpoint, fields, { idempotencyKey: 'k', fetch }));
    expect((outcome as { error: ClientError }).error).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000 });
    expect(calls).toHaveLength(1);
  });

  it('turns a non-JSON error page into a coded error with a readable message', async () => {
    const { fetch } = scriptedFetch([{ text: '<h1>Oops</h1>', status: 500 }]);
    const outcome = await settle(submitJob(endpoint, fields, { idempotencyKey: 'k', fetch }));
    const error = (outcome as { error: ClientError }).error;
    expect(error.code).toBe('internal_error');
    expect(error.message).toMatch(/HTTP 500/);
  });

  it('rejects with the abort reason when aborted during a retry wait, sending nothing more', async () => {
    const controller = new AbortController();
    const { fetch, calls } = scriptedFetch([{ networkError: true }, { json: accepted, status: 202 }]);
    const result = settle(submitJob(endpoint, fields, { idempotencyKey: 'k', fetch, signal: controller.signal, random: () => 0.9 }));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new DOMException('closed', 'AbortError'));
    const outcome = await result;
    expect((outcome as { error: DOMException }).error.name).toBe('AbortError');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1);
  });
});

describe('submitJob upload progress', () => {
  it('reports 0 when each attempt starts sending and 1 once its body is through (fetch transport)', async () => {
    const { fetch } = scriptedFetch([
      { networkError: true },
      { json: { error: { code: 'provider_unavailable', message: 'Later.' } }, status: 503, headers: { 'Retry-After': '0' } },
      { json: accepted, status: 202 },
    ]);
    const seen: number[] = [];
    const result = settle(
      submitJob(endpoint, fields, { idempotencyKey: 'k', fetch, random: () => 0, onUploadProgress: (f) => seen.push(f) }),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await result).toEqual({ ok: true, value: accepted });
    // The failed connection never got its body through; each retry starts again from 0.
    expect(seen).toEqual([0, 0, 1, 0, 1]);
  });

  it('sends through an injected transport with the same fields and key', async () => {
    const sent: { url: string; key: string | undefined; category: FormDataEntryValue | null }[] = [];
    const answer = await submitJob(endpoint, fields, {
      idempotencyKey: 'key-t',
      transport: async (request) => {
        sent.push({ url: request.url, key: request.headers['Idempotency-Key'], category: request.body.get(SUBMIT_FIELDS.category) });
        request.onUploadProgress?.(1);
        return { ok: true, status: 202, header: () => null, json: accepted };
      },
    });
    expect(answer).toEqual(accepted);
    expect(sent).toEqual([{ url: `${endpoint}/jobs`, key: 'key-t', category: 'top' }]);
  });
});
