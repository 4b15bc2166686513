/**
 * Vtry AI's words (shared providers/vtry.txt), pure: request bodies, answers read, status words,
 * failures mapped, job ids. No I/O; vtry.ts does the calls and the preparation.
 */
import type { Category, ErrorBody, JobStatus } from '../../protocol.ts';
import type { JobState, ProviderPhoto } from './types.ts';
import { ProviderError } from './errors.ts';
import { mapFailure, type FailureCode } from './failures.ts';
import { listedStatus, unlistedWord } from './status-words.ts';

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
  const clean = (text ?? '')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
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

export function errorTextOf(error: unknown): string | undefined {
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
