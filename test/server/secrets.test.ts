import { describe, expect, it } from 'vitest';
import { BASE, CountingAdapter, FAKE_KEY, get, setup, submitRequest } from './helpers.ts';
import { ProviderError } from '../../src/server/providers/errors.ts';

describe('the provider key never leaves the server', () => {
  it('not in any response body or header, nor any log line, even when adapters put it in errors', async () => {
    const s = setup();
    const seen: string[] = [];
    const record = async (response: Response) => {
      seen.push(JSON.stringify([...response.headers]), await response.text());
    };
    await record(await s.handler(get('/health')));
    const submit = await s.handler(submitRequest());
    const { job, photoRef } = (await submit.clone().json()) as { job: string; photoRef: string };
    await record(submit);
    s.clock.advance(5000);
    await record(await s.handler(get(`/jobs/${job}`)));

    // A careless adapter: the key inside error messages and causes.
    s.adapter.submitError = new ProviderError('auth', `401 from https://api.example/?key=${FAKE_KEY}`, {
      cause: new Error(`Authorization: Bearer ${FAKE_KEY}`),
    });
    await record(await s.handler(submitRequest()));
    s.adapter.submitError = new Error(`boom with ${FAKE_KEY}`);
    await record(await s.handler(submitRequest()));
    s.clock.advance(5000);
    s.adapter.statusError = new ProviderError('bad_response', `bad json near "${FAKE_KEY}"`);
    await record(await s.handler(get(`/jobs/${job}`)));
    await record(await s.handler(submitRequest({ consent: null })));

    const logText = s.logs.map((l) => JSON.stringify(l)).join('\n');
    expect(seen.join('\n')).not.toContain(FAKE_KEY);
    expect(logText).not.toContain(FAKE_KEY);
    expect(logText).toContain('[redacted]');
    // Nor tokens, photo handles or photo bytes.
    expect(logText).not.toContain(job);
    expect(logText).not.toContain(photoRef);
    expect(logText).not.toMatch(/iVBORw0KGgo/);
    // Every log line is structured and carries a request id when it is about a request.
    for (const line of s.logs as Array<Record<string, unknown>>) {
      if (line.event === 'request' || line.event === 'error') expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('the adapter receives the key, the configured base URL and options', async () => {
    const adapter = new CountingAdapter();
    const s = setup({ providerUrl: 'http://127.0.0.1:9/v2/', providerOptions: { seed: '42' } }, adapter);
    await s.handler(submitRequest());
    expect(adapter.contexts[0]).toMatchObject({ apiKey: FAKE_KEY, baseUrl: 'http://127.0.0.1:9/v2', options: { seed: '42' } });
  });

  it('responses carry a request id that matches the log', async () => {
    const s = setup();
    const response = await s.handler(new Request(`${BASE}/health`));
    const id = response.headers.get('x-request-id');
    expect(id).toBeTruthy();
    expect(s.logs.some((l) => (l as { requestId?: string }).requestId === id)).toBe(true);
  });
});

describe('photo URLs for URL-only providers', () => {
  it('with publicUrl, the adapter gets an unguessable URL serving the photo; the second product too', async () => {
    const adapter = new CountingAdapter();
    adapter.needsPhotoUrl = true;
    const s = setup({ publicUrl: 'https://shop.example/api/try-on' }, adapter);
    const { photoRef } = (await (await s.handler(submitRequest())).json()) as { photoRef: string };
    await s.handler(submitRequest({ photoRef }));
    const [first, second] = adapter.submits.map((x) => x.photo.url!);
    for (const url of [first!, second!]) {
      expect(url).toMatch(/^https:\/\/shop\.example\/api\/try-on\/files\/[\w-]{32}$/);
      const served = await s.handler(new Request(url.replace('https://shop.example', 'http://localhost:5173')));
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(adapter.submits[0]!.photo.bytes))).toBe(true);
    }
    expect(adapter.contexts[0]!.publicUrl).toBe('https://shop.example/api/try-on');
  });

  it('a URL-only provider without publicUrl is a startup error naming TRYON_PUBLIC_URL', () => {
    const adapter = new CountingAdapter();
    adapter.needsPhotoUrl = true;
    expect(() => setup({}, adapter)).toThrow(/TRYON_PUBLIC_URL/);
  });
});
