/**
 * Vtry AI adapter (`TRYON_PROVIDER=vtry`), see shared providers/vtry.txt.
 *
 * Vtry generates only from things it stores: a person (the uploaded photo, then a "composed"
 * 1x3 composite that a model makes from it) and a clothes item (the garment image, added as a
 * job). Compose, clothes and generation are all asynchronous jobs read on GET /api/v1/jobs/{id}.
 * The composed person is kept per shopper photo (`photo.ref`) and the clothes id per garment
 * URL, so a shopper's second product costs no second upload or compose, and a garment added
 * once serves every later shopper of that product.
 *
 * Why the preparation advances in status() instead of submit() waiting for it:
 * - Compose is itself a model run (seconds to tens of seconds). Waiting for it in submit would
 *   hold the shopper's POST open that long: past serverless and edge request limits and
 *   storefront proxy timeouts, and a dropped connection would lose the progress.
 * - Vtry allows 3 concurrent generations and 10 generate calls a minute per account. A
 *   generation started from a poll that meets a 429 simply stays "queued" and is tried again on
 *   the next poll, instead of failing the shopper after compose was already paid for.
 * - Every poll makes a few bounded requests, so no call of ours outlives one HTTP request.
 * The price: a preparing job (`p:<nonce>`) keeps its state in ctx.store, and the paid
 * generation it starts from a poll is guarded by a once-only marker there (setIfAbsent), so
 * concurrent polls never start it twice. If the store loses the job (a restarted in-memory
 * store), the job reads as expired instead of risking a second charge. When everything is
 * already prepared, submit queues the generation itself and the jobId (`g:<requestId>`) needs
 * no store at all; only if Vtry still answers 429 after the Retry-After waits does it become a
 * `p:` job whose polls start the generation once a slot frees.
 */
import type { Category, ErrorBody, JobStatus } from '../../protocol.ts';
import type { RetryPolicy } from './http.ts';
import type { JobState, ProviderAdapter, ProviderContext, ProviderPhoto, SubmitInput, SubmitResult } from './types.ts';
import { ProviderError, describeProviderError } from './errors.ts';
import { providerFetch, providerJson, readJson } from './http.ts';
import { sleep } from '../../shared/time.ts';
import { mapFailure, type FailureCode } from './failures.ts';
import { listedStatus, unlistedWord } from './status-words.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const PERSON_TTL_MS = DAY_MS;
// A clothes id stays useful as long as the product image does; a week bounds staleness if the
// merchant replaces the image behind the same URL.
const CLOTH_TTL_MS = 7 * DAY_MS;
const JOB_TTL_MS = DAY_MS;
/** How long a job may wait for its preparation and a free generation slot before it fails. */
export const VTRY_PREPARE_DEADLINE_MS = 3 * 60 * 1000;
// A poll that is starting the generation has at most one request in flight (30 s timeout).
const STARTING_GRACE_MS = 60 * 1000;
const LOCK_TTL_MS = 60 * 1000;
const LOCK_WAIT_MS = 15 * 1000;
const LOCK_POLL_MS = 200;
const DESCRIPTION_MAX_CHARS = 120;

export const VTRY_MODELS = ['NanoBanana', 'NanoBanana2'] as const;
export type VtryModel = (typeof VTRY_MODELS)[number];

// --- pure mapping, to and from Vtry's words ---------------------------------------------------

/**
 * Vtry takes no category: a generation applies whatever clothes or accessory items it is given.
 * Every one of ours works, so none is absent; the words feed the extra prompt instruction.
 */
export const vtryCategories: Partial<Record<Category, string>> = {
  top: 'top',
  bottom: 'bottoms',
  dress: 'dress',
  full: 'full outfit',
  outerwear: 'outerwear',
  shoes: 'shoes',
  watch: 'watch',
  glasses: 'glasses',
  hat: 'hat',
  bag: 'bag',
  jewelry: 'jewelry',
  accessory: 'accessory',
};

// Items only judged right when the whole figure, feet included, is in the picture.
const FULL_BODY: ReadonlySet<Category> = new Set(['bottom', 'dress', 'full', 'shoes']);

/** Store keys, namespaced so several adapters can share one store. */
export const vtryKeys = {
  person: (photoRef: string) => `vtry:person:${photoRef}`,
  cloth: (garmentUrlHash: string) => `vtry:cloth:${garmentUrlHash}`,
  job: (nonce: string) => `vtry:job:${nonce}`,
  generation: (nonce: string) => `vtry:gen:${nonce}`,
};

/** The model named by the `model` option (default NanoBanana; NanoBanana2 needs a paid plan). */
export function vtryModel(options: Record<string, string>): VtryModel {
  const value = options.model;
  if (value === undefined || value === '') return 'NanoBanana';
  if ((VTRY_MODELS as readonly string[]).includes(value)) return value as VtryModel;
  throw new Error(`The Vtry option "model" must be one of ${VTRY_MODELS.join(', ')}; "${value}" is not.`);
}

function extensionOf(type: string): string {
  if (type === 'image/png') return 'png';
  if (type === 'image/webp') return 'webp';
  return 'jpg';
}

/** Multipart body of `POST /api/v1/persons`: the shopper photo as the one reference image. */
export function personForm(photo: Pick<ProviderPhoto, 'bytes' | 'type'>, name: string): FormData {
  const form = new FormData();
  form.append('name', name);
  form.append('files', new Blob([photo.bytes.slice()], { type: photo.type }), `photo.${extensionOf(photo.type)}`);
  return form;
}

/**
 * Multipart body of `POST /api/v1/clothes` in direct mode (the merchant's image as-is, no model).
 * sourcePageUrl is the image URL itself: it is the referer Vtry sends when fetching, which
 * hotlink protection on the merchant's CDN accepts, and it is what finds the new item later.
 */
export function clothesForm(garmentUrl: string): FormData {
  const form = new FormData();
  form.append('mode', 'direct');
  form.append('imageUrl', garmentUrl);
  form.append('sourcePageUrl', garmentUrl);
  return form;
}

/** Product titles are merchant text of any length; the prompt gets one tidy line. */
export function cleanDescription(text: string | undefined): string | undefined {
  const clean = (text ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean === '' ? undefined : clean.slice(0, DESCRIPTION_MAX_CHARS);
}

/** JSON body of `POST /api/v1/generations` (template mode: Vtry writes the production prompt). */
export function generationBody(init: {
  model: VtryModel;
  personId: string;
  clothId: string;
  category: Category;
  description?: string | undefined;
}): Record<string, unknown> {
  const word = vtryCategories[init.category] ?? 'item';
  const description = cleanDescription(init.description);
  const body: Record<string, unknown> = {
    model: init.model,
    personId: init.personId,
    clothesIds: [init.clothId],
    prompt:
      `Show the person wearing the selected ${word}${description ? ` (${description})` : ''}, clearly visible. ` +
      "Keep the person's face, body shape and skin tone, and the item's color, pattern and details.",
    numImages: 1,
  };
  if (FULL_BODY.has(init.category)) body.composition = 'full-body head-to-toe shot';
  return body;
}

/** `requestId` of a compose, clothes or generation answer. */
export function readRequestId(body: unknown): string {
  const id = (body as { requestId?: unknown } | null)?.requestId;
  if (typeof id !== 'string' || id === '') {
    throw new ProviderError('bad_response', 'Vtry answered without a requestId.');
  }
  return id;
}

/** The new person's id, from `{ "person": { "id": ... }, "files": [...] }`. */
export function readPersonId(body: unknown): string {
  const id = (body as { person?: { id?: unknown } } | null)?.person?.id;
  if (typeof id !== 'string' || id === '') {
    throw new ProviderError('bad_response', 'Vtry answered a new person without an id.');
  }
  return id;
}

export interface VtryJob {
  status: JobStatus;
  /** A status word the document does not list (read as still running). */
  unknownWord?: string;
  imageUrl?: string;
  imageKey?: string;
  /** The provider's own error text; only ever mapped, never shown. */
  errorText?: string;
}

// The document reads "a queued, processing, completed or failed job" and its examples write the
// word in capitals (`"status": "COMPLETED"`): these four words, in capitals, and no others.
export const VTRY_STATUS_WORDS: Readonly<Record<string, JobStatus>> = {
  QUEUED: 'queued',
  PROCESSING: 'processing',
  COMPLETED: 'completed',
  FAILED: 'failed',
};

function errorTextOf(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const o = error as Record<string, unknown>;
    const parts = [o.code, o.message, o.detail].filter((p): p is string => typeof p === 'string');
    return parts.length ? parts.join(' ') : undefined;
  }
  return undefined;
}

/** A `GET /api/v1/jobs/{id}` answer, read. */
export function readVtryJob(body: unknown): VtryJob {
  const job = body as { status?: unknown; imageUrl?: unknown; imageKey?: unknown; error?: unknown } | null;
  if (!job || typeof job !== 'object') throw new ProviderError('bad_response', 'Vtry answered a job read without a job.');
  const status = listedStatus(VTRY_STATUS_WORDS, job.status);
  if (!status) return { status: 'processing', unknownWord: unlistedWord(job.status).unknownWord! };
  const out: VtryJob = { status };
  if (typeof job.imageUrl === 'string' && job.imageUrl !== '') out.imageUrl = job.imageUrl;
  if (typeof job.imageKey === 'string' && job.imageKey !== '') out.imageKey = job.imageKey;
  const errorText = errorTextOf(job.error);
  if (errorText !== undefined) out.errorText = errorText;
  return out;
}

/** Which job failed: the person's compose, the garment's clothes job, or the generation. */
export type VtryStage = 'person' | 'clothes' | 'generation';

/** Whose image a failure that only says "the image" means, per stage. */
const IMAGE_BLAME: Record<VtryStage, FailureCode> = {
  person: 'photo_rejected',
  clothes: 'garment_rejected',
  // The generation reads images Vtry already accepted: trouble there is Vtry's own.
  generation: 'generation_failed',
};

/**
 * A failed job's error text to our code and message (the shared mapping of failures.ts);
 * words that only say "the image" are blamed on whatever image the failed stage was reading.
 */
export function mapVtryFailure(stage: VtryStage, text: string | undefined): ErrorBody {
  return mapFailure(text, IMAGE_BLAME[stage]);
}

/** A generation job in our words. */
export function mapGenerationJob(job: VtryJob): JobState {
  switch (job.status) {
    case 'queued':
    case 'processing':
      return job.unknownWord ? { status: job.status, unknownWord: job.unknownWord } : { status: job.status };
    case 'completed':
      if (!job.imageUrl) throw new ProviderError('bad_response', 'Vtry reported a completed job without imageUrl.');
      return { status: 'completed', images: [job.imageUrl] };
    case 'failed':
      return { status: 'failed', error: mapVtryFailure('generation', job.errorText) };
  }
}

// Stored file URLs are signed per answer: compare them without their query.
function urlPath(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

/**
 * The clothes id a completed clothes job made, from a `GET /api/v1/clothes` page. The job
 * answer names no clothes id, so the item is recognized by its stored image (the job's
 * imageUrl / imageKey) or, failing that, by the source URL we sent (the same garment image,
 * so any such item will do). Undefined when the page does not hold it.
 */
export function findClothId(page: unknown, job: Pick<VtryJob, 'imageUrl' | 'imageKey'>, garmentUrl: string): string | undefined {
  const clothes = (page as { clothes?: unknown } | null)?.clothes;
  if (!Array.isArray(clothes)) throw new ProviderError('bad_response', 'Vtry answered a clothes list without clothes.');
  const items = clothes.filter(
    (c): c is { id: string; imageUrl?: unknown; sourceUrl?: unknown } =>
      !!c && typeof c === 'object' && typeof (c as { id?: unknown }).id === 'string',
  );
  const image = job.imageUrl ? urlPath(job.imageUrl) : undefined;
  const byImage = items.find((c) => {
    if (typeof c.imageUrl !== 'string') return false;
    if (image && urlPath(c.imageUrl) === image) return true;
    return !!job.imageKey && urlPath(c.imageUrl).endsWith(`/${job.imageKey}`);
  });
  return (byImage ?? items.find((c) => c.sourceUrl === garmentUrl))?.id;
}

/** What a jobId names: a queued generation, or a job still being prepared. */
export type VtryJobRef = { kind: 'generation'; requestId: string } | { kind: 'prepare'; nonce: string };

export function formatJobId(ref: VtryJobRef): string {
  return ref.kind === 'generation' ? `g:${ref.requestId}` : `p:${ref.nonce}`;
}

export function parseJobId(jobId: string): VtryJobRef | undefined {
  const match = /^([gp]):([\w.-]{1,128})$/.exec(jobId);
  if (!match) return undefined;
  return match[1] === 'g' ? { kind: 'generation', requestId: match[2]! } : { kind: 'prepare', nonce: match[2]! };
}

/** After a stale id, which remembered ids to forget, judged from the refusal's text. */
export function staleIds(errorText: string | undefined): { person: boolean; cloth: boolean } {
  const t = (errorText ?? '').toLowerCase();
  const person = /person|compos/.test(t);
  const cloth = /cloth/.test(t);
  return person || cloth ? { person, cloth } : { person: true, cloth: true };
}

// --- what the store holds ----------------------------------------------------------------

/** A shopper photo's person at Vtry. */
interface PersonRecord {
  id: string;
  /** The compose job; the composite exists once it completed (`ready`). */
  compose?: string;
  ready?: boolean;
  /** Vtry refused this photo: later products are refused at once, without a charge. */
  rejected?: ErrorBody;
}

/** A garment URL's clothes item at Vtry: its id once known, else the clothes job. */
interface ClothRecord {
  id?: string;
  request?: string;
}

/** A job still being prepared (`p:<nonce>`). */
interface JobRecord {
  at: number;
  model: VtryModel;
  category: Category;
  description?: string;
  photoRef: string;
  person: string;
  compose?: string;
  personReady?: boolean;
  garmentUrl: string;
  clothKey: string;
  clothRequest?: string;
  cloth?: string;
  /** Vtry answered 429 to a generation start: a deadline then means busy, not slow. */
  busy?: boolean;
  failed?: ErrorBody;
}

/** Once-only marker of a prepared job's generation: being started, started, or refused. */
type GenerationRecord = { starting: number } | { id: string } | { failed: ErrorBody };

async function readRecord<T>(ctx: ProviderContext, key: string): Promise<T | undefined> {
  const raw = await ctx.store.get(key);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

const writeRecord = (ctx: ProviderContext, key: string, value: unknown, ttlMs: number) =>
  ctx.store.set(key, JSON.stringify(value), ttlMs);

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Web Crypto, so the adapter runs on edge runtimes too.
async function hashOf(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return hex(new Uint8Array(digest).subarray(0, 16));
}

const randomHex = (bytes: number) => hex(crypto.getRandomValues(new Uint8Array(bytes)));

/**
 * Runs `fn` while holding `key`'s lock, so two submits for one photo (or one garment) do not
 * both create and pay for the same thing; the second waits and then reuses the first's record.
 * A holder that died only delays others by LOCK_WAIT_MS.
 */
async function withLock<T>(ctx: ProviderContext, key: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${key}:lock`;
  const deadline = ctx.now() + LOCK_WAIT_MS;
  let held = await ctx.store.setIfAbsent(lock, '1', LOCK_TTL_MS);
  while (!held && ctx.now() < deadline) {
    await sleep(LOCK_POLL_MS, ctx.signal);
    held = await ctx.store.setIfAbsent(lock, '1', LOCK_TTL_MS);
  }
  try {
    return await fn();
  } finally {
    if (held) await ctx.store.delete(lock);
  }
}

// --- HTTP, all in one place ----------------------------------------------------------------

const auth = (ctx: ProviderContext) => ({ authorization: `Bearer ${ctx.apiKey}` });
const jsonHeaders = (ctx: ProviderContext) => ({ ...auth(ctx), 'content-type': 'application/json' });

/**
 * The key check: `GET /api/v1/me` (Account), a read that spends no generation. Resolves with
 * the plan and subscription state, e.g. "Pro plan, active" (the user's email is not printed).
 */
async function checkKey(ctx: ProviderContext): Promise<string> {
  const body = await providerJson<{ subscription?: { planLabel?: unknown; planId?: unknown; status?: unknown } } | null>(
    ctx,
    '/api/v1/me',
    { method: 'GET', headers: auth(ctx), retry: 'safe' },
  );
  const subscription = body?.subscription;
  const plan = subscription?.planLabel ?? subscription?.planId;
  if (typeof plan !== 'string') throw new ProviderError('bad_response', 'Vtry AI answered /api/v1/me without a subscription plan.');
  return typeof subscription?.status === 'string' ? `${plan} plan, ${subscription.status}` : `${plan} plan`;
}

async function getJob(ctx: ProviderContext, requestId: string): Promise<VtryJob> {
  const body = await providerJson(ctx, `/api/v1/jobs/${encodeURIComponent(requestId)}`, {
    method: 'GET',
    headers: auth(ctx),
    retry: 'safe',
    jobRead: true,
  });
  return readVtryJob(body);
}

async function createPerson(photo: ProviderPhoto, ctx: ProviderContext): Promise<string> {
  // Creates a stored person: a blind repeat would make a second one.
  const body = await providerJson(ctx, '/api/v1/persons', {
    method: 'POST',
    headers: auth(ctx),
    body: personForm(photo, `tryon-${randomHex(6)}`),
    retry: 'never',
  });
  return readPersonId(body);
}

async function startCompose(personId: string, model: VtryModel, ctx: ProviderContext): Promise<string> {
  const body = await providerJson(ctx, `/api/v1/persons/${encodeURIComponent(personId)}/compose`, {
    method: 'POST',
    headers: jsonHeaders(ctx),
    body: JSON.stringify({ model }),
    retry: 'never',
  });
  return readRequestId(body);
}

async function addClothes(garmentUrl: string, ctx: ProviderContext): Promise<string> {
  const body = await providerJson(ctx, '/api/v1/clothes', {
    method: 'POST',
    headers: auth(ctx),
    body: clothesForm(garmentUrl),
    retry: 'never',
  });
  return readRequestId(body);
}

/** Finds the item a completed clothes job made: the first page (newest first), then the last. */
async function resolveClothId(ctx: ProviderContext, job: VtryJob, garmentUrl: string): Promise<string | undefined> {
  const list = (page: number) =>
    providerJson(ctx, `/api/v1/clothes?page=${page}&pageSize=100`, { method: 'GET', headers: auth(ctx), retry: 'safe' });
  const first = await list(1);
  const found = findClothId(first, job, garmentUrl);
  if (found) return found;
  const pages = (first as { totalPages?: unknown }).totalPages;
  if (typeof pages !== 'number' || !Number.isSafeInteger(pages) || pages <= 1) return undefined;
  return findClothId(await list(pages), job, garmentUrl);
}

type StartOutcome = { requestId: string } | { stale: string | undefined };

/** Queues the paid generation; a 400/404 means Vtry refused our ids (nothing was charged). */
async function startGeneration(
  ctx: ProviderContext,
  body: Record<string, unknown>,
  policy?: Partial<RetryPolicy>,
): Promise<StartOutcome> {
  const response = await providerFetch(ctx, '/api/v1/generations', {
    method: 'POST',
    headers: jsonHeaders(ctx),
    body: JSON.stringify(body),
    retry: 'never',
    accept: [400, 404],
    ...(policy ? { policy } : {}),
  });
  if (response.status === 400 || response.status === 404) {
    const refusal = await response.json().catch(() => null);
    return { stale: errorTextOf((refusal as { error?: unknown } | null)?.error) };
  }
  return { requestId: readRequestId(await readJson(response)) };
}

async function deletePerson(personId: string, ctx: ProviderContext): Promise<void> {
  const response = await providerFetch(ctx, `/api/v1/persons/${encodeURIComponent(personId)}`, {
    method: 'DELETE',
    headers: auth(ctx),
    retry: 'safe',
    accept: [404],
  });
  await response.body?.cancel().catch(() => {});
}

// --- preparation -------------------------------------------------------------------------

/**
 * The shopper's person, created and composed at most once per photo. A compose an earlier
 * product started is looked at once (a read), so a finished one lets this product go straight
 * to generation; a photo Vtry refused is refused again without a charge.
 */
async function ensurePerson(photo: ProviderPhoto, model: VtryModel, ctx: ProviderContext): Promise<PersonRecord> {
  const key = vtryKeys.person(photo.ref);
  return withLock(ctx, key, async () => {
    let record = await readRecord<PersonRecord>(ctx, key);
    if (record?.rejected) {
      throw new ProviderError('rejected', record.rejected.message, { code: record.rejected.code });
    }
    if (record?.ready) return record;
    if (record?.compose) {
      let job: VtryJob | undefined;
      try {
        job = await getJob(ctx, record.compose);
      } catch (error) {
        // The compose job is gone at Vtry (and maybe the person with it): start afresh.
        if (!(error instanceof ProviderError && error.kind === 'not_found')) throw error;
        record = undefined;
      }
      if (record && job) {
        if (job.status === 'completed') {
          record = { id: record.id, compose: record.compose, ready: true };
          await writeRecord(ctx, key, record, PERSON_TTL_MS);
          return record;
        }
        if (job.status !== 'failed') return record;
        const failure = mapVtryFailure('person', job.errorText);
        if (failure.code !== 'generation_failed') {
          await writeRecord(ctx, key, { id: record.id, rejected: failure }, PERSON_TTL_MS);
          throw new ProviderError('rejected', failure.message, { code: failure.code });
        }
        // A compose that failed for no reason of the photo's is worth one more run.
        record = { id: record.id };
      }
    }
    if (!record) {
      record = { id: await createPerson(photo, ctx) };
      // Saved before compose, so a compose refused with 429 or 5xx never costs a second upload.
      await writeRecord(ctx, key, record, PERSON_TTL_MS);
    }
    record = { id: record.id, compose: await startCompose(record.id, model, ctx) };
    await writeRecord(ctx, key, record, PERSON_TTL_MS);
    return record;
  });
}

/** The garment's clothes item, added at most once per garment URL (shared by all shoppers). */
async function ensureCloth(garmentUrl: string, clothKey: string, ctx: ProviderContext): Promise<ClothRecord> {
  return withLock(ctx, clothKey, async () => {
    const record = await readRecord<ClothRecord>(ctx, clothKey);
    if (record?.id) return record;
    if (record?.request) {
      const job = await getJob(ctx, record.request).catch((error: unknown) => {
        if (error instanceof ProviderError && error.kind === 'not_found') return undefined;
        throw error;
      });
      if (job?.status === 'completed') {
        const id = await resolveClothId(ctx, job, garmentUrl);
        if (!id) return record;
        const resolved = { id };
        await writeRecord(ctx, clothKey, resolved, CLOTH_TTL_MS);
        return resolved;
      }
      if (job && job.status !== 'failed') return record;
    }
    const added = { request: await addClothes(garmentUrl, ctx) };
    await writeRecord(ctx, clothKey, added, CLOTH_TTL_MS);
    return added;
  });
}

async function forgetStale(ctx: ProviderContext, photoRef: string, clothKey: string, errorText: string | undefined) {
  const stale = staleIds(errorText);
  if (stale.person) await ctx.store.delete(vtryKeys.person(photoRef));
  if (stale.cloth) await ctx.store.delete(clothKey);
}

async function submit(input: SubmitInput, ctx: ProviderContext): Promise<SubmitResult> {
  const model = vtryModel(ctx.options);
  const clothKey = vtryKeys.cloth(await hashOf(input.garmentUrl));

  // A remembered id Vtry no longer knows (deleted there, another account) is dropped and the
  // preparation redone once, rather than failing the shopper.
  for (let attempt = 0; ; attempt++) {
    const person = await ensurePerson(input.photo, model, ctx);
    const cloth = await ensureCloth(input.garmentUrl, clothKey, ctx);

    if (person.ready && cloth.id) {
      const body = generationBody({
        model,
        personId: person.id,
        clothId: cloth.id,
        category: input.category,
        description: input.garmentDescription,
      });
      let outcome: StartOutcome | 'busy';
      try {
        outcome = await startGeneration(ctx, body);
      } catch (error) {
        // Still 429 after the Retry-After waits (all generation slots taken): queue it here and
        // let the polls start it, as they do for a job that needed preparing.
        if (!(error instanceof ProviderError && error.kind === 'busy')) throw error;
        outcome = 'busy';
      }
      if (outcome === 'busy') {
        return preparedJob(ctx, input, model, clothKey, person, cloth, true);
      }
      if ('requestId' in outcome) {
        return { jobId: formatJobId({ kind: 'generation', requestId: outcome.requestId }), state: { status: 'queued' } };
      }
      await forgetStale(ctx, input.photo.ref, clothKey, outcome.stale);
      if (attempt === 0) continue;
      throw new ProviderError('bad_response', 'Vtry refused the generation for the ids it had just given.');
    }

    return preparedJob(ctx, input, model, clothKey, person, cloth, false);
  }
}

/** Records a job whose polls will finish its preparation and start its generation. */
async function preparedJob(
  ctx: ProviderContext,
  input: SubmitInput,
  model: VtryModel,
  clothKey: string,
  person: PersonRecord,
  cloth: ClothRecord,
  busy: boolean,
): Promise<SubmitResult> {
  const nonce = randomHex(10);
  const record: JobRecord = {
    at: ctx.now(),
    model,
    category: input.category,
    photoRef: input.photo.ref,
    person: person.id,
    garmentUrl: input.garmentUrl,
    clothKey,
  };
  const description = cleanDescription(input.garmentDescription);
  if (description) record.description = description;
  if (person.ready) record.personReady = true;
  else record.compose = person.compose!;
  if (cloth.id) record.cloth = cloth.id;
  else record.clothRequest = cloth.request!;
  if (busy) record.busy = true;
  await writeRecord(ctx, vtryKeys.job(nonce), record, JOB_TTL_MS);
  return { jobId: formatJobId({ kind: 'prepare', nonce }), state: { status: 'queued' } };
}

const failed = (error: ErrorBody): JobState => ({ status: 'failed', error });

function deadlineFailure(record: JobRecord): JobState {
  const { code, message } = describeProviderError(
    new ProviderError(record.busy ? 'busy' : 'timeout', 'Vtry did not get the job ready in time.'),
  );
  return failed({ code, message });
}

/** Moves the person's compose along; returns a failure when Vtry refused the photo. */
async function advancePerson(record: JobRecord, ctx: ProviderContext): Promise<ErrorBody | undefined> {
  const key = vtryKeys.person(record.photoRef);
  const person = await readRecord<PersonRecord>(ctx, key);
  if (person?.id === record.person && person.ready) {
    record.personReady = true;
    return undefined;
  }
  const job = await getJob(ctx, record.compose!);
  if (job.status === 'completed') {
    record.personReady = true;
    if (person?.id === record.person) {
      await writeRecord(ctx, key, { id: person.id, compose: record.compose, ready: true }, PERSON_TTL_MS);
    }
  } else if (job.status === 'failed') {
    const failure = mapVtryFailure('person', job.errorText);
    if (person?.id === record.person) {
      if (failure.code === 'generation_failed') await writeRecord(ctx, key, { id: person.id }, PERSON_TTL_MS);
      else await writeRecord(ctx, key, { id: person.id, rejected: failure }, PERSON_TTL_MS);
    }
    return failure;
  }
  return undefined;
}

/** Moves the garment's clothes job along; returns a failure when Vtry could not add it. */
async function advanceCloth(record: JobRecord, ctx: ProviderContext): Promise<ErrorBody | undefined> {
  const cloth = await readRecord<ClothRecord>(ctx, record.clothKey);
  if (cloth?.id) {
    record.cloth = cloth.id;
    return undefined;
  }
  const job = await getJob(ctx, record.clothRequest!);
  if (job.status === 'failed') {
    if (cloth?.request === record.clothRequest) await ctx.store.delete(record.clothKey);
    return mapVtryFailure('clothes', job.errorText);
  }
  if (job.status !== 'completed') return undefined;
  // The list may lag behind the job; not found yet just means another poll.
  const id = await resolveClothId(ctx, job, record.garmentUrl);
  if (id) {
    record.cloth = id;
    await writeRecord(ctx, record.clothKey, { id }, CLOTH_TTL_MS);
  }
  return undefined;
}

/** One poll of a job being prepared: advance what is pending, then start the generation once. */
async function advance(nonce: string, ctx: ProviderContext): Promise<JobState> {
  const jobKey = vtryKeys.job(nonce);
  const genKey = vtryKeys.generation(nonce);
  const record = await readRecord<JobRecord>(ctx, jobKey);
  if (!record) throw new ProviderError('not_found', 'This Vtry job is no longer known to the endpoint.');

  const generation = await readRecord<GenerationRecord>(ctx, genKey);
  if (generation && 'id' in generation) return mapGenerationJob(await getJob(ctx, generation.id));
  if (generation && 'failed' in generation) return failed(generation.failed);
  if (record.failed) return failed(record.failed);
  const overdue = ctx.now() - record.at > VTRY_PREPARE_DEADLINE_MS;
  if (generation) {
    // Another poll is starting it right now (or died doing so: never start it a second time).
    return ctx.now() - generation.starting > STARTING_GRACE_MS ? failed(mapVtryFailure('generation', undefined)) : { status: 'queued' };
  }

  const before = JSON.stringify(record);
  const failure =
    (!record.personReady ? await advancePerson(record, ctx) : undefined) ??
    (!record.cloth ? await advanceCloth(record, ctx) : undefined);
  if (failure) record.failed = failure;
  const save = () => (JSON.stringify(record) === before ? undefined : writeRecord(ctx, jobKey, record, JOB_TTL_MS));
  if (record.failed) {
    await save();
    return failed(record.failed);
  }
  // The deadline ends waiting only: a job whose preparation is done still gets its chance.
  if (!record.personReady || !record.cloth) {
    await save();
    return overdue ? deadlineFailure(record) : { status: 'queued' };
  }

  if (!(await ctx.store.setIfAbsent(genKey, JSON.stringify({ starting: ctx.now() }), JOB_TTL_MS))) {
    await save();
    return { status: 'queued' };
  }
  const body = generationBody({
    model: record.model,
    personId: record.person,
    clothId: record.cloth,
    category: record.category,
    description: record.description,
  });
  let outcome: StartOutcome;
  try {
    // No waiting on 429 inside a poll: the next poll is the retry.
    outcome = await startGeneration(ctx, body, { busyRetries: 0 });
  } catch (error) {
    if (error instanceof ProviderError && (error.kind === 'busy' || error.kind === 'auth')) {
      // Refused before any work started, so trying again later cannot charge twice.
      await ctx.store.delete(genKey);
      if (error.kind === 'auth') throw error;
      record.busy = true;
      await save();
      return overdue ? deadlineFailure(record) : { status: 'queued' };
    }
    // It may have been accepted (5xx, timeout, unreadable answer): never send it again.
    await writeRecord(ctx, genKey, { failed: mapVtryFailure('generation', undefined) }, JOB_TTL_MS);
    throw error;
  }
  if ('stale' in outcome) {
    await forgetStale(ctx, record.photoRef, record.clothKey, outcome.stale);
    const failure = mapVtryFailure('generation', undefined);
    await writeRecord(ctx, genKey, { failed: failure }, JOB_TTL_MS);
    return failed(failure);
  }
  await writeRecord(ctx, genKey, { id: outcome.requestId }, JOB_TTL_MS);
  await save();
  return { status: 'queued' };
}

async function status(jobId: string, ctx: ProviderContext): Promise<JobState> {
  const ref = parseJobId(jobId);
  if (!ref) throw new ProviderError('not_found', 'Not a Vtry job id.');
  if (ref.kind === 'generation') return mapGenerationJob(await getJob(ctx, ref.requestId));
  return advance(ref.nonce, ctx);
}

/** Deletes the shopper's person (photo and composite) at Vtry, best effort. */
async function forgetPhoto(photoRef: string, ctx: ProviderContext): Promise<void> {
  const key = vtryKeys.person(photoRef);
  const record = await readRecord<PersonRecord>(ctx, key);
  await ctx.store.delete(key);
  if (record) await deletePerson(record.id, ctx).catch(() => {});
}

/**
 * Vtry AI: person (uploaded, composed once per photo) + clothes item (once per garment URL) +
 * generation, all polled on GET /api/v1/jobs/{id}.
 */
export const vtryAdapter: ProviderAdapter = {
  name: 'vtry',
  defaultBaseUrl: 'https://vtry.ai',
  // The doc names no per-job status interval (only 60 reads a minute per account), so the
  // house default applies.
  pollIntervalMs: 2000,
  categories: vtryCategories,
  submit,
  status,
  forgetPhoto,
  checkKey,
};
