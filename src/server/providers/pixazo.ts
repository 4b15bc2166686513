/**
 * Pixelforge (Pixazo) Clothing VTON adapter (`TRYON_PROVIDER=pixazo`), see shared providers/pixazo.txt.
 *
 * `POST /virtual-tryon/v1/r-vton` starts a paid prediction from two image URLs and answers
 * its id; `POST /vton-polling/v1/r-vton-get-image` with `{ id }` reads it back. Images go
 * only by URL, so the shopper photo is the endpoint's expiring photo URL (`needsPhotoUrl`).
 * Pixazo keeps nothing per person, so a second product is again one prediction.
 *
 * The doc shows only "succeeded" as a status word; the others are those of the prediction
 * API its parameters come from (starting, processing, succeeded, failed, canceled).
 */
import type { Category, ErrorBody, JobStatus } from '../../protocol.ts';
import { listedStatus, unlistedWord } from './status-words.ts';
import type { JobState, ProviderAdapter, ProviderContext, SubmitInput, SubmitResult } from './types.ts';
import { ProviderError } from './errors.ts';
import { providerFetch, readJson } from './http.ts';
import { errorText, mapFailure, refusalError } from './failures.ts';

const LABEL = 'Pixazo';

// --- pure mapping, to and from Pixazo's words ----------------------------------------------

/**
 * Pixazo's categories are body regions: 'upper_body', 'lower_body', 'dresses'. Outerwear
 * covers the upper body; a full outfit is dressed as a one-piece. No shoes or accessories.
 */
export const pixazoCategories: Partial<Record<Category, string>> = {
  top: 'upper_body',
  outerwear: 'upper_body',
  bottom: 'lower_body',
  dress: 'dresses',
  full: 'dresses',
};

/** Adapter options, read from `ctx.options`. */
export interface PixazoOptions {
  seed?: number;
  steps?: number;
}

function readPositiveInteger(options: Record<string, string>, name: string, max: number): number | undefined {
  const raw = options[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value > max || (name === 'steps' && value < 1)) {
    throw new Error(`Invalid pixazo option "${name}": expected a whole number up to ${max}, got "${raw}".`);
  }
  return value;
}

/** Validates the `pixazo` options (`seed`, `steps`); throws a merchant-facing Error on a bad one. */
export function parsePixazoOptions(options: Record<string, string>): PixazoOptions {
  const result: PixazoOptions = {};
  const seed = readPositiveInteger(options, 'seed', Number.MAX_SAFE_INTEGER);
  if (seed !== undefined) result.seed = seed;
  // More steps cost time, not quality beyond a point; 100 bounds a typo like "3000".
  const steps = readPositiveInteger(options, 'steps', 100);
  if (steps !== undefined) result.steps = steps;
  return result;
}

/**
 * The doc asks for `crop` when the person image is not 3:4. A small tolerance keeps photos
 * that are 3:4 up to rounding (e.g. 1152×1536 vs 1151×1536) from being cropped.
 */
export function needsCrop(width: number, height: number): boolean {
  if (width <= 0 || height <= 0) return true;
  return Math.abs(width / height - 3 / 4) > 0.01;
}

/** JSON body of `POST /virtual-tryon/v1/r-vton`. */
export function pixazoRunBody(input: SubmitInput, options: PixazoOptions): Record<string, unknown> {
  const category = pixazoCategories[input.category];
  if (category === undefined) throw new Error(`pixazo cannot dress category "${input.category}".`);
  if (!input.photo.url) {
    // The handler only calls URL-only adapters with a photo URL; this guards a miswired endpoint.
    throw new Error('pixazo needs the shopper photo by URL: set TRYON_PUBLIC_URL so the provider can fetch it.');
  }
  const body: Record<string, unknown> = {
    category,
    garm_img: input.garmentUrl,
    human_img: input.photo.url,
    crop: needsCrop(input.photo.width, input.photo.height),
  };
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.steps !== undefined) body.steps = options.steps;
  const description = input.garmentDescription?.trim();
  if (description) body.garment_des = description;
  return body;
}

/** Pixazo's error text to our code and message (the shared mapping of failures.ts). */
export const mapPixazoFailure = (text: string | undefined): ErrorBody => mapFailure(text);

/** The prediction id from `{ "id": "zdj7..." }`. */
export function readPixazoSubmit(body: unknown): string {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') throw new ProviderError('bad_response', `${LABEL} answered a try-on without an id.`);
  return id;
}

/** The one status word the document shows (`{ "status": "succeeded", "output": "IMAGE_URL" }`). */
export const PIXAZO_STATUS_WORDS: Readonly<Record<string, JobStatus>> = { succeeded: 'completed' };

/** A prediction (`{ status, output, error }`) in our words; `output` is a URL or a list of them. */
export function mapPixazoPrediction(body: unknown): JobState {
  const prediction = body as { status?: unknown; output?: unknown; error?: unknown } | null;
  if (!prediction || typeof prediction !== 'object')
    throw new ProviderError('bad_response', `${LABEL} answered a poll without a prediction.`);
  if (listedStatus(PIXAZO_STATUS_WORDS, prediction.status) === 'completed') {
    const list = Array.isArray(prediction.output) ? prediction.output : [prediction.output];
    const images = list.filter((u): u is string => typeof u === 'string' && /^(https?:\/\/|data:image\/)/.test(u));
    if (images.length === 0) throw new ProviderError('bad_response', `${LABEL} reported a finished try-on without an image.`);
    return { status: 'completed', images };
  }
  // The document's error shape is `{ "error": "..." }`: a poll answered with one failed.
  const reason = errorText(prediction.error);
  if (reason !== undefined) return { status: 'failed', error: mapPixazoFailure(reason) };
  return unlistedWord(prediction.status);
}

/**
 * A prediction Pixazo refused with 400: its text naming the person or garment image (e.g. one
 * it could not download) is the shopper's or the product's; anything else is ours to fix.
 */
export function pixazoRefusal(text: string | undefined, providerStatus: number): ProviderError {
  return refusalError(LABEL, text, providerStatus);
}

// --- HTTP, all in one place ----------------------------------------------------------------

// The doc's polling examples omit the key; it is Pixazo's own gateway, so sending it there
// too costs nothing and keeps polling working if the gateway requires it.
const headers = (ctx: ProviderContext) => ({
  'content-type': 'application/json',
  'cache-control': 'no-cache',
  'ocp-apim-subscription-key': ctx.apiKey,
});

/** Pixelforge Clothing VTON (Virtual Try-on V2). Options: `seed`, `steps`. Needs `TRYON_PUBLIC_URL`. */
export const pixazoAdapter: ProviderAdapter = {
  name: 'pixazo',
  defaultBaseUrl: 'https://gateway.pixazo.ai',
  // The doc names no minimum status interval; 2000 ms is the house default.
  pollIntervalMs: 2000,
  categories: pixazoCategories,
  needsPhotoUrl: true,
  async submit(input: SubmitInput, ctx: ProviderContext): Promise<SubmitResult> {
    const body = pixazoRunBody(input, parsePixazoOptions(ctx.options));
    const response = await providerFetch(ctx, '/virtual-tryon/v1/r-vton', {
      method: 'POST',
      headers: headers(ctx),
      body: JSON.stringify(body),
      retry: 'never',
      routeClass: 'generate',
      accept: [400],
    });
    const json = await readJson(response);
    if (!response.ok) {
      throw pixazoRefusal(errorText((json as { error?: unknown } | null)?.error), response.status);
    }
    return { jobId: readPixazoSubmit(json), state: { status: 'queued' } };
  },
  async status(jobId: string, ctx: ProviderContext): Promise<JobState> {
    // A POST, but it only reads the prediction: safe to repeat.
    const response = await providerFetch(ctx, '/vton-polling/v1/r-vton-get-image', {
      method: 'POST',
      headers: headers(ctx),
      body: JSON.stringify({ id: jobId }),
      retry: 'safe',
      routeClass: 'read',
      jobRead: true,
    });
    return mapPixazoPrediction(await readJson(response));
  },
};
