/**
 * Shared pieces of the endpoint tests: a manual clock, a counting test adapter and a counting
 * fetch (so a test can prove that no provider call happened), and request builders.
 */
import { createTryOnHandler } from '../../src/server/handler.ts';
import type { HandlerOptions } from '../../src/server/options.ts';
import type { JobState, ProviderAdapter, ProviderContext, SubmitInput, WebhookCallback } from '../../src/server/providers/types.ts';
import { ProviderError } from '../../src/server/providers/errors.ts';
import { deriveProviderSecret } from '../../src/server/jobs/tokens.ts';
import { photoPng } from './images.ts';

export const ORIGIN = 'http://localhost:5173';
export const BASE = `${ORIGIN}/api/try-on`;
export const GARMENT_URL = `${ORIGIN}/garments/shirt.png`;
/** Recognizable, so a test can search every byte that left the endpoint for it. */
export const FAKE_KEY = 'sk_test_KEY-must-never-leak-7f3a9c';
export const SECRET = 'test-secret-0123456789abcdef0123456789';
/** What adapters get as ctx.secret for SECRET: derived by HKDF, never the raw secret. */
export const PROVIDER_SECRET = await deriveProviderSecret(SECRET);

export class Clock {
  constructor(public t = Date.UTC(2025, 0, 1)) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

/**
 * A provider adapter that counts calls. It reports `queued` on submit and whatever
 * `states` holds on status calls; `submitError`/`statusError` make calls fail.
 */
export class CountingAdapter implements ProviderAdapter {
  readonly name: string = 'counting';
  readonly defaultBaseUrl = 'https://provider.invalid/v1';
  pollIntervalMs = 3000;
  needsPhotoUrl = false;
  readonly categories = { top: 'upper_body', bottom: 'lower_body', dress: 'dresses' } as const;
  submits: SubmitInput[] = [];
  statusCalls = 0;
  contexts: ProviderContext[] = [];
  state: JobState = { status: 'processing' };
  submitError: unknown;
  statusError: unknown;
  /** Resolves the submit when set (to hold it in flight). */
  submitGate: Promise<void> | undefined;
  statusDelayMs = 0;

  async submit(input: SubmitInput, ctx: ProviderContext) {
    this.submits.push(input);
    this.contexts.push(ctx);
    if (this.submitGate) await this.submitGate;
    if (this.submitError) throw this.submitError;
    return { jobId: `job-${this.submits.length}` };
  }

  async status(_jobId: string, ctx: ProviderContext) {
    this.statusCalls++;
    this.contexts.push(ctx);
    if (this.statusDelayMs) await new Promise((r) => setTimeout(r, this.statusDelayMs));
    if (this.statusError) throw this.statusError;
    return this.state;
  }

  /** Callbacks carry `x-signature: <ctx.secret>` (PROVIDER_SECRET); anything else is refused. Counts the callbacks read. */
  webhookReads = 0;
  readonly webhook = {
    signatureHeader: 'x-signature',
    read: async ({ headers, body }: WebhookCallback, ctx: ProviderContext) => {
      this.webhookReads++;
      if (headers.get('x-signature') !== ctx.secret) throw new ProviderError('bad_webhook', 'bad signature');
      const parsed = JSON.parse(new TextDecoder().decode(body)) as { id: string; state: JobState };
      return { jobId: parsed.id, state: parsed.state };
    },
  };

  get calls() {
    return this.submits.length + this.statusCalls;
  }
}

/** A fetch that counts every call and answers with `respond` (default: 599, i.e. "should not be called"). */
export function countingFetch(respond?: (url: string) => Response | Promise<Response>) {
  const calls: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push(url);
    return respond ? respond(url) : new Response('unexpected', { status: 599 });
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

export interface Setup {
  handler: (request: Request) => Promise<Response>;
  adapter: CountingAdapter;
  clock: Clock;
  logs: object[];
  fetchCalls: string[];
}

/** A handler over the counting adapter (unless `options.provider` says otherwise). */
export function setup(options: HandlerOptions = {}, adapter = new CountingAdapter()): Setup {
  const clock = new Clock();
  const logs: object[] = [];
  const counting = countingFetch();
  const handler = createTryOnHandler({
    provider: 'counting',
    apiKey: FAKE_KEY,
    secret: SECRET,
    basePath: '/api/try-on',
    now: clock.now,
    log: (entry) => logs.push(entry),
    fetch: counting.fetch,
    // The test garments are on this machine (http://localhost:5173): a development setup.
    garmentHosts: [new URL(GARMENT_URL).host],
    devAllowLoopback: true,
    ...options,
    adapters: { counting: adapter, ...options.adapters },
  });
  return { handler, adapter, clock, logs, fetchCalls: counting.calls };
}

export interface SubmitFields {
  photo?: Uint8Array | string | null;
  photoRef?: string;
  garment?: string | null;
  product?: string;
  category?: string | null;
  consent?: string | null;
  size?: string;
}

/** A multipart submit; fields default to a valid try-on, `null` leaves a field out. */
export function submitRequest(fields: SubmitFields = {}, init: { headers?: Record<string, string>; url?: string } = {}): Request {
  const form = new FormData();
  const photo = fields.photo === undefined && fields.photoRef === undefined ? photoPng : fields.photo;
  if (photo instanceof Uint8Array) form.set('photo', new Blob([new Uint8Array(photo)]), 'photo');
  else if (typeof photo === 'string') form.set('photo', photo);
  if (fields.photoRef !== undefined) form.set('photoRef', fields.photoRef);
  const garment = fields.garment === undefined ? GARMENT_URL : fields.garment;
  if (garment !== null) form.set('garment', garment);
  if (fields.product !== undefined) form.set('product', fields.product);
  const category = fields.category === undefined ? 'top' : fields.category;
  if (category !== null) form.set('category', category);
  const consent = fields.consent === undefined ? 'v1' : fields.consent;
  if (consent !== null) form.set('consent', consent);
  if (fields.size !== undefined) form.set('size', fields.size);
  return new Request(init.url ?? `${BASE}/jobs`, { method: 'POST', body: form, headers: init.headers ?? {} });
}

export const get = (path: string, headers: Record<string, string> = {}) => new Request(`${BASE}${path}`, { headers });

export async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return { status: response.status, code: body.error?.code ?? '(none)', message: body.error?.message ?? '' };
}
