/**
 * Privacy: DELETE {base}/photos/{photoRef} removes the photo, its public file aliases and what the
 * adapter cached, idempotently; a photo URL served to a URL-only provider ends with its job.
 * Logs: one JSON entry per request with a request id, and never a photo, key, secret or token.
 */
import { describe, expect, it } from 'vitest';
import { BASE, CountingAdapter, errorOf, FAKE_KEY, get, SECRET, setup, submitRequest } from './helpers.ts';
import { photoPng } from './images.ts';
import type { ProviderContext } from '../../src/server/providers/types.ts';
import { shopifyUrl, SHOPIFY_SECRET } from './access-helpers.ts';
import { PHOTO_TTL_MS } from '../../src/server/jobs/photos.ts';
import { scrub } from '../../src/server/log.ts';

const PUBLIC = 'http://localhost:5173/api/try-on';

class ForgettingAdapter extends CountingAdapter {
  forgotten: string[] = [];
  async forgetPhoto(ref: string, _ctx: ProviderContext) {
    this.forgotten.push(ref);
  }
}

const filePath = (url: string) => url.slice(PUBLIC.length);

describe('DELETE /photos/{photoRef}', () => {
  it('removes the photo, its file URLs and the provider-side copy; a second DELETE is still 204', async () => {
    const adapter = new ForgettingAdapter();
    const s = setup({ publicUrl: PUBLIC }, adapter);
    const { photoRef } = (await (await s.handler(submitRequest())).json()) as { photoRef: string };
    const url = adapter.submits[0]!.photo.url!;
    expect((await s.handler(get(filePath(url)))).status).toBe(200);

    const deleted = await s.handler(new Request(`${BASE}/photos/${photoRef}`, { method: 'DELETE' }));
    expect(deleted.status).toBe(204);
    expect(adapter.forgotten).toEqual([photoRef]);
    expect((await s.handler(get(filePath(url)))).status).toBe(404);
    expect(await errorOf(await s.handler(submitRequest({ photo: null, photoRef })))).toMatchObject({
      status: 400,
      code: 'photo_ref_invalid',
    });

    expect((await s.handler(new Request(`${BASE}/photos/${photoRef}`, { method: 'DELETE' }))).status).toBe(204);
    expect(adapter.submits).toHaveLength(1);
  });

  it('a failing provider-side forget does not keep the endpoint copy', async () => {
    const adapter = new ForgettingAdapter();
    adapter.forgetPhoto = async () => {
      throw new Error('provider down');
    };
    const s = setup({}, adapter);
    const { photoRef } = (await (await s.handler(submitRequest())).json()) as { photoRef: string };
    expect((await s.handler(new Request(`${BASE}/photos/${photoRef}`, { method: 'DELETE' }))).status).toBe(204);
    expect((await s.handler(submitRequest({ photo: null, photoRef }))).status).toBe(400);
  });
});

describe('photo URLs for URL-only providers', () => {
  it('serve the photo while the job runs and are gone once it completes; the photo handle still works', async () => {
    const s = setup({ publicUrl: PUBLIC });
    const { job, photoRef } = (await (await s.handler(submitRequest())).json()) as { job: string; photoRef: string };
    const url = s.adapter.submits[0]!.photo.url!;
    const served = await s.handler(get(filePath(url)));
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(photoPng))).toBe(true);

    s.adapter.state = { status: 'completed', images: ['https://cdn.provider.example/r.png'] };
    s.clock.advance(10_000);
    expect(((await (await s.handler(get(`/jobs/${job}`))).json()) as { status: string }).status).toBe('completed');
    expect((await s.handler(get(filePath(url)))).status).toBe(404);
    expect((await s.handler(submitRequest({ photo: null, photoRef }))).status).toBe(202);
  });

  it('are one per job: a second job from the same photo gets its own URL, which outlives the first job', async () => {
    const s = setup({ publicUrl: PUBLIC });
    const first = (await (await s.handler(submitRequest())).json()) as { job: string; photoRef: string };
    const second = (await (await s.handler(submitRequest({ photo: null, photoRef: first.photoRef }))).json()) as { job: string };
    const [urlA, urlB] = s.adapter.submits.map((submit) => submit.photo.url!);
    expect(urlA).not.toBe(urlB);
    s.adapter.state = { status: 'completed', images: ['https://cdn.provider.example/r.png'] };
    s.clock.advance(10_000);
    await s.handler(get(`/jobs/${first.job}`));
    expect((await s.handler(get(filePath(urlA!)))).status).toBe(404);
    expect((await s.handler(get(filePath(urlB!)))).status).toBe(200);
    await s.handler(get(`/jobs/${second.job}`));
    expect((await s.handler(get(filePath(urlB!)))).status).toBe(404);
  });

  it('expire with the photo even when nobody polls the job to its end', async () => {
    const s = setup({ publicUrl: PUBLIC });
    await s.handler(submitRequest());
    const url = s.adapter.submits[0]!.photo.url!;
    s.clock.advance(PHOTO_TTL_MS - 1000);
    expect((await s.handler(get(filePath(url)))).status).toBe(200);
    s.clock.advance(2000);
    expect((await s.handler(get(filePath(url)))).status).toBe(404);
  });
});

describe('logs', () => {
  it('are JSON entries with request ids and hold no photo, key, secret, token, handle or signature', async () => {
    const s = setup({ shopifySecret: SHOPIFY_SECRET, publicUrl: PUBLIC, turnstile: undefined });
    const shop = 'shop-a.myshopify.com';
    const submitUrl = await shopifyUrl('/jobs', shop, s.clock.t);
    const { job, photoRef } = (await (await s.handler(submitRequest({}, { url: submitUrl }))).json()) as { job: string; photoRef: string };
    await s.handler(new Request(await shopifyUrl(`/jobs/${job}`, shop, s.clock.t)));
    await s.handler(new Request(await shopifyUrl(`/photos/${photoRef}`, shop, s.clock.t), { method: 'DELETE' }));
    s.adapter.statusError = new Error(`provider said ${FAKE_KEY}`);
    s.clock.advance(60_000);
    await s.handler(new Request(await shopifyUrl(`/jobs/${job}`, shop, s.clock.t)));

    const text = s.logs.map((entry) => JSON.stringify(entry)).join('\n');
    const requests = s.logs.filter((e) => (e as { event?: string }).event === 'request') as Array<{ requestId?: string; path?: string }>;
    expect(requests.length).toBe(4);
    for (const entry of requests) expect(entry.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const signature = new URL(submitUrl).searchParams.get('signature')!;
    for (const secret of [
      FAKE_KEY,
      SECRET,
      SHOPIFY_SECRET,
      job,
      photoRef,
      signature,
      Buffer.from(photoPng).toString('base64').slice(0, 40),
    ]) {
      expect(text).not.toContain(secret);
    }
    // Request lines name the route, not the handle in the path.
    expect(requests.map((entry) => entry.path)).toEqual([
      '/api/try-on/jobs',
      '/api/try-on/jobs/:job',
      '/api/try-on/photos/:photoRef',
      '/api/try-on/jobs/:job',
    ]);
  });

  it('hold no job token, photo handle or photo file id over a whole try-on with a URL-fetching provider', async () => {
    const s = setup({ publicUrl: PUBLIC });
    const { job, photoRef } = (await (await s.handler(submitRequest())).json()) as { job: string; photoRef: string };
    const url = s.adapter.submits[0]!.photo.url!;
    const fileId = url.split('/').pop()!;
    // The provider fetches the photo, the widget polls to the end, then forgets the photo.
    expect((await s.handler(get(filePath(url)))).status).toBe(200);
    s.clock.advance(3000);
    await s.handler(get(`/jobs/${job}`));
    s.adapter.state = { status: 'completed', images: ['https://cdn.provider.example/r.png'] };
    s.clock.advance(3000);
    await s.handler(get(`/jobs/${job}`));
    expect((await s.handler(get(filePath(url)))).status).toBe(404);
    await s.handler(new Request(`${BASE}/photos/${photoRef}`, { method: 'DELETE' }));
    // Handles in places no route expects, and a provider failure that quotes the photo URL.
    await s.handler(get(`/jobs/${job}/x`));
    await s.handler(get(`/files/${fileId}/${photoRef}`));
    s.adapter.submitError = new Error(`could not fetch ${url} for ${photoRef}`);
    await s.handler(submitRequest());

    const text = s.logs.map((entry) => JSON.stringify(entry)).join('\n');
    for (const hidden of [job, ...job.split('.').filter((segment) => segment.length > 20), photoRef, photoRef.split('.')[0]!, fileId]) {
      expect(text).not.toContain(hidden);
    }
    const paths = s.logs.filter((e) => (e as { event?: string }).event === 'request').map((e) => (e as { path: string }).path);
    expect(paths).toEqual([
      '/api/try-on/jobs',
      '/api/try-on/files/:id',
      '/api/try-on/jobs/:job',
      '/api/try-on/jobs/:job',
      '/api/try-on/files/:id',
      '/api/try-on/photos/:photoRef',
      '/api/try-on/jobs/:redacted/x',
      '/api/try-on/files/:redacted/:redacted',
      '/api/try-on/jobs',
    ]);
  });

  it('name the route, not the token, when a poll is refused', async () => {
    const s = setup({ publicUrl: PUBLIC });
    const { job, photoRef } = (await (await s.handler(submitRequest())).json()) as { job: string; photoRef: string };
    // Long after the job lapsed, and with a tampered token: both polls are refused (and logged).
    s.clock.advance(PHOTO_TTL_MS * 30);
    const poll = await s.handler(get(`/jobs/${job}`));
    expect(poll.status).toBeGreaterThanOrEqual(400);
    const tampered = await s.handler(get(`/jobs/${job.slice(0, -4)}AAAA`));
    expect(tampered.status).toBeGreaterThanOrEqual(400);
    const refused = s.logs.filter((e) => (e as { event?: string }).event === 'refused') as Array<{ path?: string; code?: string }>;
    expect(refused.length, 'the refusals are logged').toBeGreaterThanOrEqual(2);
    for (const entry of refused) expect(entry.path).toBe('/api/try-on/jobs/:job');
    const text = s.logs.map((entry) => JSON.stringify(entry)).join('\n');
    for (const hidden of [job, ...job.split('.').filter((segment) => segment.length > 20), photoRef]) expect(text).not.toContain(hidden);
  });

  it('scrub job tokens (compact JWE) whole, and photo file addresses', () => {
    const jwe =
      'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..d5G8CQKiSEd39k4v.IVxGHRlAEvg1Fe-uoRs9RO20GvLCF32RK4pQujwqJM9vtGZzSZJJnFVjoJ4i3w8W.cbr7pK9V7DltaSS2mrbdAQ';
    expect(scrub({ detail: `poll ${jwe} failed` }, [])).toEqual({ detail: 'poll [token] failed' });
    expect(scrub(`GET https://shop.example/api/files/${'A'.repeat(32)}: 500`, [])).toBe('GET https://shop.example/api/files/[id]: 500');
  });
});
