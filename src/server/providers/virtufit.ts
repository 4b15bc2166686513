/**
 * VirtuFit adapter (`TRYON_PROVIDER=virtufit`), see shared providers/virtufit.txt.
 *
 * One multipart `POST /api/v1/generate` carries the person photo as a file and the garment
 * by URL. VirtuFit usually queues (202, poll `/api/v1/jobs/{id}`) but may answer
 * synchronously (200 with the images), which is passed on as an already completed state.
 * VirtuFit keeps nothing per shopper, so a second product sends the photo again: there is
 * no provider-side id to reuse.
 *
 * When the endpoint is public, VirtuFit is also given a webhook URL and a secret derived
 * from the endpoint's own secret (so it survives restarts and needs no storage); callbacks
 * are trusted only after their HMAC checks out, while their `timestamp` is recent, and once.
 */
import type { Category, ErrorBody, JobStatus } from '../../protocol.ts';
import { listedStatus, unlistedWord } from './status-words.ts';
import type { JobState, ProviderAdapter, ProviderContext, SubmitInput, SubmitResult, WebhookCallback } from './types.ts';
import { ProviderError } from './errors.ts';
import { providerFetch, providerJson, readJson } from './http.ts';
import { errorText, mapFailure } from './failures.ts';

// --- pure mapping, to and from VirtuFit's words --------------------------------------------

/**
 * Our categories to the document's `swap_target` values, one for one; "other" is its word for
 * what none of the others names, so only our generic `accessory` becomes it.
 */
export const virtufitCategories: Partial<Record<Category, string>> = {
  top: 'top',
  bottom: 'bottom',
  dress: 'dress',
  full: 'full_outfit',
  outerwear: 'jacket',
  shoes: 'shoes',
  watch: 'watch',
  glasses: 'glasses',
  hat: 'hat',
  bag: 'bag',
  jewelry: 'jewelry',
  accessory: 'other',
};

export const VIRTUFIT_TIERS = ['nano', 'basic', 'pro'] as const;

/** Path of our webhook route for this provider, relative to the endpoint base. */
export const VIRTUFIT_WEBHOOK_PATH = '/webhooks/virtufit';

/**
 * `garment_urls` is comma-separated, so a comma inside the URL would split it in two;
 * percent-encoding it names the same resource.
 */
export function garmentUrlsField(urls: string[]): string {
  return urls.map((url) => url.replaceAll(',', '%2C')).join(',');
}

/**
 * VirtuFit only posts to https webhooks; plain http is allowed for loopback, as its own
 * local-dev setup is. Anything else gets no webhook and is polled.
 */
export function webhookUrlFor(publicUrl: string | undefined): string | undefined {
  if (!publicUrl) return undefined;
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return undefined;
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return undefined;
  return `${publicUrl.replace(/\/+$/, '')}${VIRTUFIT_WEBHOOK_PATH}`;
}

/** Text fields of the generate request (the person file is added beside them). */
export function generateFields(
  input: Pick<SubmitInput, 'garmentUrl' | 'category' | 'garmentDescription'>,
  options: Record<string, string>,
  webhook?: { url: string; secret: string },
): Record<string, string> {
  const fields: Record<string, string> = {
    garment_urls: garmentUrlsField([input.garmentUrl]),
    swap_target: virtufitCategories[input.category] ?? 'full_outfit',
  };
  // An unknown tier would make VirtuFit refuse every request; its default is used instead.
  const tier = options.tier;
  if (tier && (VIRTUFIT_TIERS as readonly string[]).includes(tier)) fields.tier = tier;
  const description = input.garmentDescription?.trim();
  if (description) fields.garment_description = description.slice(0, 300);
  if (webhook) {
    fields.webhook_url = webhook.url;
    fields.webhook_secret = webhook.secret;
  }
  return fields;
}

/** VirtuFit's failure text to our code and message (the shared mapping of failures.ts). */
export const mapVirtufitFailure = (text: string | undefined): ErrorBody => mapFailure(text);

function outputUrls(body: { output_urls?: unknown; output_url?: unknown }): string[] | undefined {
  const urls = Array.isArray(body.output_urls) ? body.output_urls.filter((u): u is string => typeof u === 'string' && u !== '') : [];
  if (urls.length === 0 && typeof body.output_url === 'string' && body.output_url !== '') urls.push(body.output_url);
  return urls.length ? urls : undefined;
}

/**
 * The words the document uses: `queued` (the 202 answer), `completed` ("When status is
 * completed") and `failed` (the failure payload). It names no word for a running job.
 */
export const VIRTUFIT_STATUS_WORDS: Readonly<Record<string, JobStatus>> = {
  queued: 'queued',
  completed: 'completed',
  failed: 'failed',
};

/** A job document (status poll or webhook payload) in our words. */
export function mapVirtufitJob(body: unknown): JobState {
  const job = (body ?? {}) as { status?: unknown; output_urls?: unknown; output_url?: unknown; error?: unknown };
  switch (listedStatus(VIRTUFIT_STATUS_WORDS, job.status)) {
    case 'queued':
      return { status: 'queued' };
    case 'completed': {
      const images = outputUrls(job);
      if (!images) throw new ProviderError('bad_response', 'VirtuFit reported a completed job without output_urls.');
      return { status: 'completed', images };
    }
    case 'failed':
      return { status: 'failed', error: mapVirtufitFailure(errorText(job.error)) };
    default:
      return unlistedWord(job.status);
  }
}

/** The answer to generate: 202 queued, or 200 with the images already made. */
export function readGenerateAnswer(status: number, body: unknown): SubmitResult {
  const answer = (body ?? {}) as { job_id?: unknown; output_urls?: unknown; output_url?: unknown };
  if (typeof answer.job_id !== 'string' || !/^[\w-]{1,80}$/.test(answer.job_id)) {
    throw new ProviderError('bad_response', 'VirtuFit answered generate without a usable job_id.');
  }
  if (status === 202) return { jobId: answer.job_id, state: { status: 'queued' } };
  const images = outputUrls(answer);
  if (!images) throw new ProviderError('bad_response', 'VirtuFit answered generate without output_urls.');
  return { jobId: answer.job_id, state: { status: 'completed', images } };
}

// --- signatures (Web Crypto, so this runs on Node and edge runtimes alike) -----------------

const encoder = new TextEncoder();

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

const toHex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * The webhook secret VirtuFit signs with: HMAC of a fixed label under the endpoint secret,
 * so it is stable across restarts and instances, and reveals nothing about the secret.
 */
export async function virtufitWebhookSecret(endpointSecret: string): Promise<string> {
  const key = await hmacKey(endpointSecret, 'sign');
  return toHex(await crypto.subtle.sign('HMAC', key, encoder.encode('try-on-button virtufit webhook v1')));
}

/** Checks a signature header (hex, optionally `sha256=`-prefixed) in constant time. */
export async function verifyVirtufitSignature(secret: string, body: Uint8Array, header: string | null): Promise<boolean> {
  const hex = (header ?? '').trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const key = await hmacKey(secret, 'verify');
  // subtle.verify compares in constant time, unlike comparing the hex strings.
  return crypto.subtle.verify('HMAC', key, fromHex(hex), body.slice());
}

// --- HTTP, all in one place ----------------------------------------------------------------

const auth = (ctx: ProviderContext) => ({ 'x-api-key': ctx.apiKey });

function extensionOf(type: string): string {
  return type === 'image/png' ? 'png' : type === 'image/webp' ? 'webp' : 'jpg';
}

async function submit(input: SubmitInput, ctx: ProviderContext): Promise<SubmitResult> {
  const webhookUrl = webhookUrlFor(ctx.publicUrl);
  const webhook = webhookUrl ? { url: webhookUrl, secret: await virtufitWebhookSecret(ctx.secret) } : undefined;
  const form = new FormData();
  const { photo } = input;
  form.append('person_image', new Blob([photo.bytes.slice()], { type: photo.type }), `person.${extensionOf(photo.type)}`);
  for (const [name, value] of Object.entries(generateFields(input, ctx.options, webhook))) form.append(name, value);

  const response = await providerFetch(ctx, '/api/v1/generate', {
    method: 'POST',
    headers: auth(ctx),
    body: form,
    retry: 'never',
    routeClass: 'generate',
    // Out of credits is the merchant's to fix, like a bad key.
    accept: [402],
  });
  if (response.status === 402) {
    await response.body?.cancel().catch(() => {});
    throw new ProviderError('auth', 'VirtuFit has no credits left for this key.', { providerStatus: 402 });
  }
  const body = await readJson(response);
  const result = readGenerateAnswer(response.status, body);
  await noteCredits(ctx, body);
  const statusUrl = acceptedStatusUrl(body, result.jobId, ctx.baseUrl);
  // "Job status is available for 24 hours."
  if (statusUrl) await ctx.store.set(statusUrlKey(result.jobId), statusUrl, 24 * 60 * 60 * 1000);
  return result;
}

const statusUrlKey = (jobId: string) => `virtufit:status-url:${jobId}`;
const CREDITS_KEY = 'virtufit:credits';

/** Keeps the `credits_remaining` an answer or a callback carries (the document's only balance). */
async function noteCredits(ctx: ProviderContext, body: unknown): Promise<void> {
  const remaining = (body as { credits_remaining?: unknown } | null)?.credits_remaining;
  if (typeof remaining === 'number' && Number.isFinite(remaining)) {
    await ctx.store.set(CREDITS_KEY, JSON.stringify({ remaining, at: ctx.now() }), 30 * 24 * 60 * 60 * 1000);
  }
}

/** The last balance VirtuFit told (a synchronous answer or a callback); undefined before any. */
async function credits(ctx: ProviderContext): Promise<{ remaining: number; unit: string } | undefined> {
  const raw = await ctx.store.get(CREDITS_KEY);
  return raw ? { remaining: (JSON.parse(raw) as { remaining: number }).remaining, unit: 'credits' } : undefined;
}

/**
 * The `status_url` of a 202 answer, when it is one we may send the key to: the document says
 * "Poll status_url" and its examples put it on another host than the production base it names,
 * so the answer, not our guess, says where the job lives. Only this job's path
 * (`/api/v1/jobs/{job_id}`) is accepted, over https (or on the configured base's own origin).
 */
export function acceptedStatusUrl(body: unknown, jobId: string, baseUrl: string): string | undefined {
  const value = (body as { status_url?: unknown } | null)?.status_url;
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.pathname !== `/api/v1/jobs/${jobId}` || url.search !== '' || url.username !== '' || url.password !== '') return undefined;
  const sameOrigin = url.origin === new URL(baseUrl).origin;
  return url.protocol === 'https:' || sameOrigin ? url.toString() : undefined;
}

async function status(jobId: string, ctx: ProviderContext): Promise<JobState> {
  if (!/^[\w-]{1,80}$/.test(jobId)) throw new ProviderError('not_found', 'Not a VirtuFit job id.');
  const url = (await ctx.store.get(statusUrlKey(jobId))) ?? `/api/v1/jobs/${jobId}`;
  const body = await providerJson(ctx, url, { method: 'GET', headers: auth(ctx), retry: 'safe', jobRead: true, routeClass: 'read' });
  return mapVirtufitJob(body);
}

/**
 * How old (or, with clock skew, how far ahead) a callback's `timestamp` may be. VirtuFit's own
 * retries come within 155 s (5 s, 25 s, 125 s); a captured callback replayed later is refused.
 */
export const VIRTUFIT_WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000;

/** The callback's `timestamp` (ISO 8601, as VirtuFit sends it) in ms, if it is one. */
function callbackTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Records a verified delivery as seen; false when it was seen before. It is kept twice the
 * tolerance: a timestamp that passes now (up to a tolerance ahead) passes for at most that long.
 * Keyed on the body's digest, so VirtuFit's own retry, stamped afresh, is a new delivery.
 */
async function firstDelivery(ctx: ProviderContext, jobId: string, event: string, body: Uint8Array): Promise<boolean> {
  const digest = toHex(await crypto.subtle.digest('SHA-256', body.slice()));
  return ctx.store.setIfAbsent(`virtufit:webhook-seen:${jobId}:${event}:${digest}`, '1', 2 * VIRTUFIT_WEBHOOK_TOLERANCE_MS);
}

/** The header VirtuFit signs its callbacks in. */
export const VIRTUFIT_SIGNATURE_HEADER = 'x-virtufit-signature';

async function readWebhook({ headers, body }: WebhookCallback, ctx: ProviderContext): Promise<{ jobId: string; state: JobState }> {
  const secret = await virtufitWebhookSecret(ctx.secret);
  if (!(await verifyVirtufitSignature(secret, body, headers.get(VIRTUFIT_SIGNATURE_HEADER)))) {
    throw new ProviderError('bad_webhook', 'The VirtuFit callback signature does not match.');
  }
  let payload: { event?: unknown; job_id?: unknown; timestamp?: unknown };
  try {
    payload = JSON.parse(new TextDecoder().decode(body)) as typeof payload;
  } catch {
    throw new ProviderError('bad_webhook', 'The VirtuFit callback is not JSON.');
  }
  if (payload.event !== 'tryon.completed' && payload.event !== 'tryon.failed') {
    throw new ProviderError('bad_webhook', 'The VirtuFit callback has an event we do not know.');
  }
  if (typeof payload.job_id !== 'string' || !/^[\w-]{1,80}$/.test(payload.job_id)) {
    throw new ProviderError('bad_webhook', 'The VirtuFit callback has no usable job_id.');
  }
  // The signature proves VirtuFit wrote the body, not when: only a recent timestamp says it is not a replay.
  const sent = callbackTime(payload.timestamp);
  const now = ctx.now();
  if (sent === undefined || Math.abs(now - sent) > VIRTUFIT_WEBHOOK_TOLERANCE_MS) {
    throw new ProviderError('bad_webhook', 'The VirtuFit callback has no timestamp within 5 minutes of now.');
  }
  let state: JobState;
  try {
    state = mapVirtufitJob(payload);
  } catch {
    throw new ProviderError('bad_webhook', 'The VirtuFit callback does not describe a finished job.');
  }
  // A second copy of a delivery already taken is refused (401) rather than acknowledged: the
  // adapter contract has no "taken, change nothing" answer (the handler records whatever is
  // returned), and refusing loses nothing. The first copy recorded the job's state, or, had that
  // failed, the widget's polls still learn it from VirtuFit; VirtuFit stops after three retries.
  // Marked last, so a copy refused for another reason (too old, unreadable) blocks no good one.
  if (!(await firstDelivery(ctx, payload.job_id, payload.event, body))) {
    throw new ProviderError('bad_webhook', 'This VirtuFit callback was already received.');
  }
  await noteCredits(ctx, payload);
  return { jobId: payload.job_id, state };
}

/** VirtuFit: one generate call (queued or synchronous), polled every 2 s or called back. */
export const virtufitAdapter: ProviderAdapter = {
  name: 'virtufit',
  defaultBaseUrl: 'https://virtufit.xyz',
  // "Poll no faster than every 2 seconds."
  pollIntervalMs: 2000,
  categories: virtufitCategories,
  // "typical limits are on the order of a few requests per minute per account": three generate
  // calls a minute (status reads are spaced by its "no faster than every 2 seconds" per job).
  limits: { generate: 3 },
  submit,
  status,
  webhook: { signatureHeader: VIRTUFIT_SIGNATURE_HEADER, read: readWebhook },
  credits,
};
