/**
 * Vtryon adapter (`TRYON_PROVIDER=vtryon`), see shared providers/vtryon.txt.
 *
 * Vtryon works on images it stores: the person photo and the garment are uploaded first and
 * the try-on task names them by id. So the adapter keeps both ids in the store: a shopper's
 * second product reuses their person image (keyed on `photo.ref`), and a garment uploaded
 * once serves every later shopper of that product (keyed on its URL). The person image is
 * validated once, before any task is created, so a photo the model cannot use is refused
 * without charging a generation.
 */
import type { Category, ErrorBody, JobStatus } from '../../protocol.ts';
import { listedStatus, unlistedWord } from './status-words.ts';
import type { JobState, ProviderAdapter, ProviderContext, ProviderPhoto, SubmitInput, SubmitResult } from './types.ts';
import { ProviderError } from './errors.ts';
import { providerFetch, providerJson, readJson } from './http.ts';
import { errorText, FAILURE_MESSAGES, mapFailure } from './failures.ts';

const PERSON_TTL_MS = 24 * 60 * 60 * 1000;
// Garment ids stay useful for as long as the product image does; a week bounds staleness
// if the merchant replaces the image behind the same URL.
const GARMENT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const GARMENT_MAX_BYTES = 15 * 1024 * 1024;
const MAX_ISSUES = 5;
const MAX_ISSUE_CHARS = 200;

// --- pure mapping, to and from Vtryon's words ---------------------------------------------

/**
 * Vtryon takes no category: it dresses the person in whatever garment image it is given.
 * Clothing works; shoes and accessories are not what its model is built for, so they are
 * left out and the handler refuses them before any call.
 */
export const vtryonCategories: Partial<Record<Category, string>> = {
  top: 'top',
  bottom: 'bottom',
  dress: 'dress',
  full: 'full',
  outerwear: 'outerwear',
};

/** Store keys, namespaced so several adapters can share one store. */
export const vtryonKeys = {
  person: (photoRef: string) => `vtryon:person:${photoRef}`,
  garment: (garmentUrl: string) => `vtryon:garment:${garmentUrl}`,
};

/** Multipart body of an image upload (person or garment). */
export function imageUploadForm(bytes: Uint8Array, type: string, name: string): FormData {
  const form = new FormData();
  form.append('image', new Blob([bytes.slice()], { type }), `${name}.${extensionOf(type)}`);
  form.append('image_name', name);
  return form;
}

function extensionOf(type: string): string {
  if (type === 'image/png') return 'png';
  if (type === 'image/webp') return 'webp';
  if (type === 'image/gif') return 'gif';
  return 'jpg';
}

/** JSON body of `POST /v2/tryon/tasks/`. */
export function taskBody(personId: number, garmentId: number): { tryon_person_image_id: number; garment_image_ids: number[] } {
  return { tryon_person_image_id: personId, garment_image_ids: [garmentId] };
}

/** The id of an uploaded image, from `{ "id": 181, "image_url": ... }`. */
export function readUploadId(body: unknown): number {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw new ProviderError('bad_response', 'Vtryon answered an upload without an image id.');
  }
  return id;
}

/**
 * Reads a person validation. Issues become shopper-facing details, so they are reduced to
 * short plain strings (Vtryon may send strings or objects).
 */
export function readValidation(body: unknown): { valid: boolean; issues: string[] } {
  const value = body as { is_valid?: unknown; issues?: unknown } | null;
  if (typeof value?.is_valid !== 'boolean') {
    throw new ProviderError('bad_response', 'Vtryon answered a validation without is_valid.');
  }
  const raw = Array.isArray(value.issues) ? value.issues : [];
  const issues = raw
    .map((issue: unknown) => {
      if (typeof issue === 'string') return issue;
      if (issue && typeof issue === 'object') {
        const o = issue as Record<string, unknown>;
        const text = o.message ?? o.description ?? o.detail ?? o.code;
        return typeof text === 'string' ? text : '';
      }
      return '';
    })
    .map((text) => text.trim().slice(0, MAX_ISSUE_CHARS))
    .filter((text) => text.length > 0)
    .slice(0, MAX_ISSUES);
  return { valid: value.is_valid, issues };
}

/** The error a shopper sees when Vtryon finds their photo unusable, before any task exists. */
export function photoRejection(issues: string[]): ProviderError {
  return new ProviderError('rejected', FAILURE_MESSAGES.photo_rejected, { code: 'photo_rejected', details: issues });
}

/** Vtryon's failure text to our code and message (the shared mapping of failures.ts). */
export const mapVtryonFailure = (text: string | undefined): ErrorBody => mapFailure(text);

/** The document's "Task Statuses", exactly: queued/pending, processing, completed, failed. */
export const VTRYON_STATUS_WORDS: Readonly<Record<string, JobStatus>> = {
  queued: 'queued',
  pending: 'queued',
  processing: 'processing',
  completed: 'completed',
  failed: 'failed',
};

/** A task object (`{ id, status, result_url?, error? }`) in our words. */
export function mapVtryonTask(body: unknown): JobState {
  const task = body as { status?: unknown; result_url?: unknown; error?: unknown; detail?: unknown } | null;
  if (!task || typeof task !== 'object') throw new ProviderError('bad_response', 'Vtryon answered without a task.');
  switch (listedStatus(VTRYON_STATUS_WORDS, task.status)) {
    case 'queued':
      return { status: 'queued' };
    case 'processing':
      return { status: 'processing' };
    case 'completed': {
      if (typeof task.result_url !== 'string' || task.result_url === '') {
        throw new ProviderError('bad_response', 'Vtryon reported a completed task without result_url.');
      }
      return { status: 'completed', images: [task.result_url] };
    }
    case 'failed': {
      const text = errorText(task.error) ?? errorText(task.detail);
      return { status: 'failed', error: mapVtryonFailure(text) };
    }
    default:
      return unlistedWord(task.status);
  }
}

// --- HTTP, all in one place ----------------------------------------------------------------

const auth = (ctx: ProviderContext) => ({ 'x-api-key': ctx.apiKey });

interface PersonEntry {
  id: number;
  valid: boolean;
  issues: string[];
}

async function uploadImage(ctx: ProviderContext, path: string, form: FormData): Promise<number> {
  // An upload creates a stored image; a blind repeat would store it twice.
  const body = await providerJson(ctx, path, { method: 'POST', headers: auth(ctx), body: form, retry: 'never', routeClass: 'write' });
  return readUploadId(body);
}

/** The shopper's person image id, uploaded and validated at most once per photo. */
async function personImage(photo: ProviderPhoto, ctx: ProviderContext): Promise<number> {
  const key = vtryonKeys.person(photo.ref);
  const cached = await ctx.store.get(key);
  let entry: PersonEntry | undefined = cached ? (JSON.parse(cached) as PersonEntry) : undefined;
  if (!entry) {
    const id = await uploadImage(ctx, '/v2/tryon/person-images/', imageUploadForm(photo.bytes, photo.type, 'shopper'));
    // Validation is a check of a stored image, not paid generation: safe to repeat.
    const validation = readValidation(
      await providerJson(ctx, '/v2/tryon/person-validations/', {
        method: 'POST',
        headers: { ...auth(ctx), 'content-type': 'application/json' },
        body: JSON.stringify({ tryon_person_image_id: id }),
        retry: 'safe',
        routeClass: 'write',
      }),
    );
    entry = { id, ...validation };
    // A rejected photo is remembered too, so resending it costs no second upload.
    await ctx.store.set(key, JSON.stringify(entry), PERSON_TTL_MS);
  }
  if (!entry.valid) throw photoRejection(entry.issues);
  return entry.id;
}

/** Downloads the merchant's garment image through the endpoint's safe fetch; a broken product image is the garment's fault. */
async function downloadGarment(garmentUrl: string, ctx: ProviderContext): Promise<{ bytes: Uint8Array; type: string }> {
  try {
    return await ctx.fetchGarment(garmentUrl, { maxBytes: GARMENT_MAX_BYTES, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  } catch (error) {
    if (error instanceof ProviderError) {
      throw new ProviderError('rejected', 'The product image could not be loaded for try-on. Please try another product.', {
        code: 'garment_rejected',
        cause: error,
      });
    }
    throw error;
  }
}

/** The garment's image id at Vtryon, uploaded once for every shopper of the product. */
async function garmentImage(garmentUrl: string, ctx: ProviderContext): Promise<number> {
  const key = vtryonKeys.garment(garmentUrl);
  const cached = await ctx.store.get(key);
  if (cached) return Number(cached);
  const { bytes, type } = await downloadGarment(garmentUrl, ctx);
  const id = await uploadImage(ctx, '/v2/tryon/garment-images/', imageUploadForm(bytes, type, 'garment'));
  await ctx.store.set(key, String(id), GARMENT_TTL_MS);
  return id;
}

async function submit(input: SubmitInput, ctx: ProviderContext): Promise<SubmitResult> {
  const personId = await personImage(input.photo, ctx);
  const garmentId = await garmentImage(input.garmentUrl, ctx);
  const response = await providerFetch(ctx, '/v2/tryon/tasks/', {
    method: 'POST',
    headers: { ...auth(ctx), 'content-type': 'application/json' },
    body: JSON.stringify(taskBody(personId, garmentId)),
    retry: 'never',
    routeClass: 'generate',
    // A 4xx here means Vtryon refused the ids (deleted on its side): nothing was charged.
    accept: [400, 404],
  });
  if (response.status === 400 || response.status === 404) {
    await response.body?.cancel().catch(() => {});
    // Forget the stale ids so the shopper's retry uploads afresh.
    await ctx.store.delete(vtryonKeys.person(input.photo.ref));
    await ctx.store.delete(vtryonKeys.garment(input.garmentUrl));
    throw new ProviderError('bad_response', `Vtryon refused the task with HTTP ${response.status}.`, {
      providerStatus: response.status,
    });
  }
  const task = (await readJson(response)) as { id?: unknown } | null;
  if (typeof task?.id !== 'number' && typeof task?.id !== 'string') {
    throw new ProviderError('bad_response', 'Vtryon answered a task without an id.');
  }
  return { jobId: String(task.id), state: mapVtryonTask(task) };
}

async function status(jobId: string, ctx: ProviderContext): Promise<JobState> {
  if (!/^\w{1,64}$/.test(jobId)) throw new ProviderError('not_found', 'Not a Vtryon task id.');
  const body = await providerJson(ctx, `/v2/tryon/tasks/${jobId}/`, {
    method: 'GET',
    headers: auth(ctx),
    retry: 'safe',
    jobRead: true,
    routeClass: 'read',
  });
  return mapVtryonTask(body);
}

async function forgetPhoto(photoRef: string, ctx: ProviderContext): Promise<void> {
  const key = vtryonKeys.person(photoRef);
  const cached = await ctx.store.get(key);
  if (!cached) return;
  const { id } = JSON.parse(cached) as PersonEntry;
  // A 404 is already gone; any other failure is thrown (the id kept), so the deletion is tried again later.
  const response = await providerFetch(ctx, `/v2/tryon/person-images/${id}/`, {
    method: 'DELETE',
    headers: auth(ctx),
    retry: 'safe',
    routeClass: 'write',
    accept: [404],
  });
  await response.body?.cancel().catch(() => {});
  await ctx.store.delete(key);
}

/** Vtryon: upload person (validated) and garment, create a task, poll it every 3 s. */
export const vtryonAdapter: ProviderAdapter = {
  name: 'vtryon',
  // The document gives paths only (/v2/tryon/...) and names no API host: no guessed default.
  baseUrlHelp: 'Set it to the API base URL from your Vtryon account (the host in front of /v2/tryon/...), without the /v2 path.',
  // The doc asks for polls every 3-5 seconds.
  pollIntervalMs: 3000,
  categories: vtryonCategories,
  submit,
  status,
  forgetPhoto,
};
