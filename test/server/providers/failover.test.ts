/**
 * Failover at submit through the real handler, with two real provider fakes: VistoureAI as the
 * primary and VirtuFit as the fallback (or the other way round, for categories).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTryOnHandler } from '../../../src/server/handler.ts';
import type { HandlerOptions } from '../../../src/server/options.ts';
import { canFailOver } from '../../../src/server/providers/failover.ts';
import { defaultRetryPolicy } from '../../../src/server/providers/http.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import { ConfigError, optionsFromEnv } from '../../../src/server/config.ts';
import { startFakeVistoure } from '../../fakes/vistoure.ts';
import { startFakeVirtufit, type VirtuFitFake } from '../../fakes/virtufit.ts';
import type { FakeProvider } from '../../fakes/common.ts';
import { garmentPng, makeJpeg } from '../images.ts';

const PRIMARY_KEY = 'vk_primary-key-never-leaks-1111';
const FALLBACK_KEY = 'vf_fallback-key-never-leaks-2222';
const SECRET = 'failover-secret-0123456789abcdef';

let vistoure: FakeProvider;
let virtufit: VirtuFitFake;
let garments: Server;
let garmentUrl: string;
let garmentHost: string;
const photo = makeJpeg(96, 128);

beforeAll(async () => {
  [vistoure, virtufit] = await Promise.all([startFakeVistoure({ apiKey: PRIMARY_KEY }), startFakeVirtufit({ apiKey: FALLBACK_KEY })]);
  for (const fake of [vistoure, virtufit]) fake.timing = { queuedMs: 30, processingMs: 60 };
  garments = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(garmentPng));
  await new Promise<void>((resolve) => garments.listen(0, '127.0.0.1', resolve));
  garmentHost = `127.0.0.1:${(garments.address() as AddressInfo).port}`;
  garmentUrl = `http://${garmentHost}/shirt.png`;
});

afterAll(async () => {
  await Promise.all([vistoure.close(), virtufit.close(), new Promise((r) => garments.close(r))]);
});

afterEach(() => {
  for (const fake of [vistoure, virtufit]) {
    fake.clearFaults();
    fake.resetCalls();
  }
});

const BASE = 'http://127.0.0.1:1/api/try-on';

function handler(options: HandlerOptions = {}) {
  const logs: object[] = [];
  const fetchFn = createTryOnHandler({
    provider: 'vistoure',
    apiKey: PRIMARY_KEY,
    providerUrl: vistoure.url,
    secret: SECRET,
    basePath: '/api/try-on',
    garmentHosts: [garmentHost],
    devAllowLoopback: true,
    fallbacks: [{ provider: 'virtufit', apiKey: FALLBACK_KEY, providerUrl: virtufit.url }],
    log: (entry) => logs.push(entry),
    ...options,
  });
  return { fetch: fetchFn, logs };
}

function submit(fetchFn: (r: Request) => Promise<Response>, category = 'top') {
  const form = new FormData();
  form.set('photo', new Blob([photo.slice()], { type: 'image/jpeg' }), 'photo.jpg');
  form.set('garment', garmentUrl);
  form.set('category', category);
  form.set('consent', 'v1');
  return fetchFn(new Request(`${BASE}/jobs`, { method: 'POST', body: form }));
}

async function pollToEnd(fetchFn: (r: Request) => Promise<Response>, job: string) {
  for (let i = 0; i < 40; i++) {
    const body = (await (await fetchFn(new Request(`${BASE}/jobs/${job}`))).json()) as { status: string; images?: string[] };
    if (body.status === 'completed' || body.status === 'failed') return body;
    // The status cache answers from memory within the provider's 2 s interval.
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error('job did not finish');
}

const busyForever = () => vistoure.inject('run', { kind: 'status', status: 429, retryAfter: 0 }, 10);

describe('failover at submit', () => {
  it('a busy primary hands the submit to the fallback, whose job is then polled; health names the primary', async () => {
    busyForever();
    const { fetch: fetchFn, logs } = handler();
    const response = await submit(fetchFn);
    expect(response.status).toBe(202);
    const { job } = (await response.json()) as { job: string };
    // The 429 pauses the primary's account at once (no waiting in the request): the fallback takes it.
    expect(vistoure.count('run')).toBe(1);
    expect(virtufit.count('generate')).toBe(1);

    // Polls go to the provider that took the job, with its own key; the primary is never asked.
    const done = await pollToEnd(fetchFn, job);
    expect(done.status).toBe('completed');
    expect(done.images?.[0]).toMatch(new RegExp(`^${virtufit.url}/__fake/results/`));
    expect(virtufit.count('job-status')).toBeGreaterThanOrEqual(1);
    expect(vistoure.count('status')).toBe(0);

    const health = (await (await fetchFn(new Request(`${BASE}/health`))).json()) as { provider: string };
    expect(health.provider).toBe('vistoure');
    expect(logs).toContainEqual(expect.objectContaining({ event: 'failover', from: 'vistoure', kind: 'busy' }));
    const everything = JSON.stringify(logs);
    expect(everything).not.toContain(PRIMARY_KEY);
    expect(everything).not.toContain(FALLBACK_KEY);
  });

  it('a 500 on submit fails over after exactly one call to the primary', async () => {
    vistoure.inject('run', { kind: 'status', status: 500 });
    const { fetch: fetchFn } = handler();
    expect((await submit(fetchFn)).status).toBe(202);
    expect(vistoure.count('run')).toBe(1);
    expect(virtufit.count('generate')).toBe(1);
  });

  it('a primary that refuses connections fails over', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const { fetch: fetchFn } = handler({ providerUrl: deadUrl });
    expect((await submit(fetchFn)).status).toBe(202);
    expect(virtufit.count('generate')).toBe(1);
  });

  it('a submit that timed out may have been accepted: 504, never failed over', async () => {
    const saved = defaultRetryPolicy.timeoutMs;
    defaultRetryPolicy.timeoutMs = 300;
    try {
      vistoure.inject('run', { kind: 'slow', ms: 800 });
      const { fetch: fetchFn } = handler();
      const response = await submit(fetchFn);
      expect(response.status).toBe(504);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('provider_timeout');
      expect(vistoure.count('run')).toBe(1);
      expect(virtufit.count('generate')).toBe(0);
    } finally {
      defaultRetryPolicy.timeoutMs = saved;
    }
  });

  it("a bad primary key is the merchant's to fix, not an outage: no failover", async () => {
    const { fetch: fetchFn } = handler({ apiKey: 'wrong-key' });
    const response = await submit(fetchFn);
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('provider_auth');
    expect(virtufit.count()).toBe(0);
  });

  it("skips a fallback that cannot dress the category: the try-on waits in the primary's line", async () => {
    // VirtuFit dresses shoes, VistoureAI does not.
    virtufit.inject('generate', { kind: 'status', status: 429, retryAfter: 3 }, 10);
    const { fetch: fetchFn } = handler({
      provider: 'virtufit',
      apiKey: FALLBACK_KEY,
      providerUrl: virtufit.url,
      fallbacks: [{ provider: 'vistoure', apiKey: PRIMARY_KEY, providerUrl: vistoure.url }],
    });
    const response = await submit(fetchFn, 'shoes');
    expect(response.status).toBe(202);
    expect(((await response.json()) as { queue?: { position: number } }).queue?.position).toBe(1);
    expect(virtufit.count('generate')).toBe(1);
    expect(vistoure.count()).toBe(0);
  });

  it("when every provider is busy the try-on waits in the last one's line; past the merchant's limit it is 503 provider_busy", async () => {
    busyForever();
    virtufit.inject('generate', { kind: 'status', status: 429, retryAfter: 3 }, 10);
    const waits = await submit(handler().fetch);
    expect(waits.status).toBe(202);
    expect(vistoure.count('run')).toBe(1);
    expect(virtufit.count('generate')).toBe(1);
    const refused = await submit(handler({ queueMaxWaitSec: 1 }).fetch);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('provider_busy');
  });
});

describe('what may fail over', () => {
  const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
  const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }) });
  const happyEyeballs = Object.assign(new TypeError('fetch failed'), {
    cause: new AggregateError([
      Object.assign(new Error('a'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('b'), { code: 'ENETUNREACH' }),
    ]),
  });

  it.each([
    ['busy', new ProviderError('busy', 'x', { providerStatus: 429 }), true],
    ['5xx answer', new ProviderError('unavailable', 'x', { providerStatus: 503 }), true],
    ['connection refused', new ProviderError('unavailable', 'x', { cause: refused }), true],
    ['every address refused', new ProviderError('unavailable', 'x', { cause: happyEyeballs }), true],
    ['connection reset after sending', new ProviderError('unavailable', 'x', { cause: reset }), false],
    ['timeout', new ProviderError('timeout', 'x'), false],
    ['auth', new ProviderError('auth', 'x', { providerStatus: 401 }), false],
    ['malformed answer', new ProviderError('bad_response', 'x'), false],
    ['photo refused', new ProviderError('rejected', 'x', { code: 'photo_rejected' }), false],
    ['not a provider error', new Error('bug'), false],
  ])('%s → %s', (_name, error, expected) => {
    expect(canFailOver(error)).toBe(expected);
  });
});

describe('failover configuration', () => {
  const env = {
    TRYON_PROVIDER: 'vistoure',
    TRYON_API_KEY: 'k1',
    TRYON_PROVIDER_URL: 'http://127.0.0.1:4010',
    TRYON_FALLBACK_PROVIDERS: 'vistoure-pro, virtufit',
    TRYON_VISTOURE_PRO_API_KEY: 'k2',
    TRYON_VISTOURE_PRO_PROVIDER_URL: 'http://127.0.0.1:4011',
    TRYON_VIRTUFIT_API_KEY: 'k3',
  };

  it("reads each fallback's own key and URL (NAME upper-cased, - as _)", () => {
    expect(optionsFromEnv(env).fallbacks).toEqual([
      { provider: 'vistoure-pro', apiKey: 'k2', providerUrl: 'http://127.0.0.1:4011' },
      { provider: 'virtufit', apiKey: 'k3' },
    ]);
  });

  it.each([
    [{ TRYON_VIRTUFIT_API_KEY: '' }, /TRYON_VIRTUFIT_API_KEY/],
    [{ TRYON_FALLBACK_PROVIDERS: 'vistoure-pro,nope' }, /unknown provider "nope"/],
    [{ TRYON_FALLBACK_PROVIDERS: 'demo' }, /cannot name "demo"/],
    [{ TRYON_FALLBACK_PROVIDERS: 'vistoure' }, /twice or names the primary/],
    [{ TRYON_VISTOURE_PRO_PROVIDER_URL: 'ftp://x' }, /TRYON_VISTOURE_PRO_PROVIDER_URL/],
    [{ TRYON_FALLBACK_PROVIDERS: 'pixazo', TRYON_PIXAZO_API_KEY: 'k4' }, /TRYON_PUBLIC_URL/],
    // The VistoureAI and Vtryon documents name no API host: no guessed default, the setting is required.
    [{ TRYON_PROVIDER_URL: '' }, /TRYON_PROVIDER_URL .*is required for the provider "vistoure".*Developer API Dashboard/],
    [{ TRYON_VISTOURE_PRO_PROVIDER_URL: '' }, /TRYON_VISTOURE_PRO_PROVIDER_URL .*is required for the provider "vistoure-pro"/],
    [{ TRYON_PROVIDER: 'vtryon', TRYON_PROVIDER_URL: '' }, /TRYON_PROVIDER_URL .*is required for the provider "vtryon".*Vtryon account/],
  ])('refuses %o at startup, naming the setting and no key', (change, message) => {
    let error: unknown;
    try {
      optionsFromEnv({ ...env, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/\bk[1-4]\b/);
  });
});
