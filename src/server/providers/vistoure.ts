/**
 * VistoureAI Virtual Try-On adapter (`TRYON_PROVIDER=vistoure`), see shared providers/vistoure.txt.
 *
 * One paid call per try-on: `POST /api/v2/tryon/run` takes the person and garment images
 * inline (URL or base64) and answers a run id; `GET /api/v2/tryon/status/{id}` is polled.
 * VistoureAI keeps nothing per person that a later run could name, so a shopper's second
 * product is again one run carrying the photo; there is no upload step to skip.
 *
 * The photo goes as a base64 data URI rather than by URL, so this adapter works without
 * `TRYON_PUBLIC_URL` and the provider never has to reach back into the endpoint.
 *
 * The Try-On Pro adapter (vistoure-pro.ts) speaks the same run/status protocol under
 * `/api/v2/tryon/pro`; the helpers exported here marked "shared" serve both.
 */
import type { Category, ErrorBody, JobStatus } from '../../protocol.ts';
import { listedStatus, unlistedWord } from './status-words.ts';
import type { JobState, ProviderAdapter, ProviderContext, SubmitInput, SubmitResult } from './types.ts';
import { ProviderError } from './errors.ts';
import { providerFetch, providerJson, readJson } from './http.ts';
import { errorText, mapFailure, refusalError } from './failures.ts';
import { toBase64 } from '../base64.ts';

/**
 * The document gives paths only and names no API host, so there is no default: the merchant
 * sets TRYON_PROVIDER_URL to the base shown in VistoureAI's Developer API Dashboard.
 */
export const VISTOURE_BASE_URL_HELP =
  "Set it to the API base URL shown in VistoureAI's Developer API Dashboard (where the API key is made), without the /api/v2 path.";
/** The doc names no minimum status interval; 2000 ms is the house default. */
export const VISTOURE_POLL_INTERVAL_MS = 2000;

// --- pure mapping, to and from VistoureAI's words ------------------------------------------

/**
 * Try-On accepts 'top', 'bottom', 'dresses' (plural, unlike Pro). Outerwear is dressed as a
 * top (the doc's own description example is a leather jacket); a full outfit as a one-piece.
 * Shoes and accessories are not offered, so the handler refuses them before any call.
 */
export const vistoureCategories: Partial<Record<Category, string>> = {
  top: 'top',
  outerwear: 'top',
  bottom: 'bottom',
  dress: 'dresses',
  full: 'dresses',
};

export const VISTOURE_MODEL_NAMES = ['Beta', 'Turbo'] as const;

/** Adapter options, read from `ctx.options`. */
export interface VistoureOptions {
  seed?: number;
  modelName?: (typeof VISTOURE_MODEL_NAMES)[number];
  /** Default description for products that do not describe themselves. */
  garmentDescription?: string;
}

/** A misconfigured adapter option: the merchant's to fix, found before any provider call. */
export function optionError(adapter: string, name: string, detail: string): Error {
  return new Error(`Invalid ${adapter} option "${name}": ${detail}`);
}

/**
 * Shared: reads an optional integer option. Throws a merchant-facing Error when it is not
 * one, rather than letting the provider refuse every try-on later.
 */
export function readIntegerOption(adapter: string, options: Record<string, string>, name: string): number | undefined {
  const raw = options[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw optionError(adapter, name, `expected a whole number, got "${raw}".`);
  }
  return Number(raw);
}

/** Shared: reads an optional option that must be one of `allowed` (exact spelling, as the provider wants it). */
export function readChoiceOption<T extends string>(
  adapter: string,
  options: Record<string, string>,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const raw = options[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const match = allowed.find((value) => value === raw);
  if (match === undefined) {
    throw optionError(adapter, name, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got "${raw}".`);
  }
  return match;
}

/** Validates the `vistoure` options (`seed`, `model_name`, `garment_description`); throws on a bad one. */
export function parseVistoureOptions(options: Record<string, string>): VistoureOptions {
  const result: VistoureOptions = {};
  const seed = readIntegerOption('vistoure', options, 'seed');
  if (seed !== undefined) result.seed = seed;
  const modelName = readChoiceOption('vistoure', options, 'model_name', VISTOURE_MODEL_NAMES);
  if (modelName !== undefined) result.modelName = modelName;
  const description = options.garment_description?.trim();
  if (description) result.garmentDescription = description;
  return result;
}

/** Shared: the photo as the `data:` URI form of the "base64 string" the run endpoints accept. */
export function toDataUri(bytes: Uint8Array, type: string): string {
  return `data:${type};base64,${toBase64(bytes)}`;
}

/** JSON body of `POST /api/v2/tryon/run`. */
export function vistoureRunBody(input: SubmitInput, options: VistoureOptions): Record<string, unknown> {
  const category = vistoureCategories[input.category];
  if (category === undefined) throw new Error(`vistoure cannot dress category "${input.category}".`);
  const body: Record<string, unknown> = {
    category,
    model_image: toDataUri(input.photo.bytes, input.photo.type),
    garment_image: input.garmentUrl,
  };
  // The product's own description is more specific than the merchant's default.
  const description = input.garmentDescription?.trim() || options.garmentDescription;
  if (description) body.garment_description = description;
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.modelName !== undefined) body.model_name = options.modelName;
  return body;
}

/**
 * Shared: VistoureAI's error text to our code and message (the shared mapping of
 * failures.ts; a one-call provider, so "the image" means the shopper's photo).
 */
export const mapVistoureFailure = (text: string | undefined): ErrorBody => mapFailure(text);

/** Shared: the run id from `{ "id": "gen_...", "error": null }`; a non-null error is a refusal. */
export function readRunResponse(body: unknown, label: string): string {
  const value = body as { id?: unknown; error?: unknown } | null;
  const text = errorText(value?.error);
  if (text !== undefined) throw refusalError(label, text);
  if (typeof value?.id !== 'string' || value.id === '') {
    throw new ProviderError('bad_response', `${label} answered a run without an id.`);
  }
  return value.id;
}

/** Shared: result URLs from `output` (an array, or a single string on some endpoints). */
export function readOutput(output: unknown): string[] {
  const list = Array.isArray(output) ? output : [output];
  return list.filter((u): u is string => typeof u === 'string' && /^(https?:\/\/|data:image\/)/.test(u));
}

/**
 * The one status word the document names ("once 'status' is 'completed'"). It names none for a
 * waiting, running or failed run: those are told by `error` (failed) or read as still running.
 */
export const VISTOURE_STATUS_WORDS: Readonly<Record<string, JobStatus>> = { completed: 'completed' };

/** Shared: a status object (`{ id, status, output, error }`) in our words. */
export function mapVistoureStatus(body: unknown, label: string): JobState {
  const run = body as { status?: unknown; output?: unknown; error?: unknown } | null;
  if (!run || typeof run !== 'object') throw new ProviderError('bad_response', `${label} answered a status read without a run.`);
  if (listedStatus(VISTOURE_STATUS_WORDS, run.status) === 'completed') {
    const images = readOutput(run.output);
    if (images.length === 0) throw new ProviderError('bad_response', `${label} reported a completed run without output.`);
    return { status: 'completed', images };
  }
  // The document's status object carries `error` (null while all is well): a run that has one failed.
  const reason = errorText(run.error);
  if (reason !== undefined) return { status: 'failed', error: mapVistoureFailure(reason) };
  return unlistedWord(run.status);
}

// --- HTTP, all in one place (shared with vistoure-pro) --------------------------------------

const headers = (ctx: ProviderContext) => ({ 'x-api-key': ctx.apiKey, 'content-type': 'application/json' });

/** Shared: starts a paid run at `{prefix}/run`; never repeated except after a 429. */
export async function startRun(ctx: ProviderContext, prefix: string, body: Record<string, unknown>, label: string): Promise<string> {
  const response = await providerFetch(ctx, `${prefix}/run`, {
    method: 'POST',
    headers: headers(ctx),
    body: JSON.stringify(body),
    retry: 'never',
    routeClass: 'generate',
    // A refused run carries its reason; read it to tell a bad photo from our own mistake.
    accept: [400, 422],
  });
  const json = await readJson(response);
  if (!response.ok) {
    throw refusalError(label, errorText((json as { error?: unknown } | null)?.error), response.status);
  }
  return readRunResponse(json, label);
}

/** Shared: reads a run's status at `{prefix}/status/{id}`; safe to repeat. */
export async function runStatus(ctx: ProviderContext, prefix: string, id: string, label: string): Promise<JobState> {
  const response = await providerFetch(ctx, `${prefix}/status/${encodeURIComponent(id)}`, {
    method: 'GET',
    headers: { 'x-api-key': ctx.apiKey },
    retry: 'safe',
    routeClass: 'read',
    jobRead: true,
  });
  return mapVistoureStatus(await readJson(response), label);
}

/**
 * Shared: the key check, `GET /api/v2/user/tokens` ("User Tokens" in the doc): a balance read,
 * free, on the same key and host as both Try-On and Pro. Resolves with e.g. "42500 tokens left".
 */
export async function checkVistoureKey(ctx: ProviderContext): Promise<string> {
  return `${(await vistoureCredits(ctx)).remaining} tokens left`;
}

/** Shared: the token balance (`GET /api/v2/user/tokens`), for the key check and the admin report. */
export async function vistoureCredits(ctx: ProviderContext): Promise<{ remaining: number; unit: string }> {
  const body = await providerJson<{ tokens?: unknown } | null>(ctx, '/api/v2/user/tokens', {
    method: 'GET',
    headers: { 'x-api-key': ctx.apiKey },
    retry: 'safe',
    routeClass: 'read',
  });
  const tokens = body?.tokens;
  if (typeof tokens !== 'number' || !Number.isFinite(tokens)) {
    throw new ProviderError('bad_response', 'VistoureAI answered the token balance without a number of tokens.');
  }
  return { remaining: tokens, unit: 'tokens' };
}

const PREFIX = '/api/v2/tryon';

/** VistoureAI Virtual Try-On. Options: `seed`, `model_name` (Beta | Turbo), `garment_description`. */
export const vistoureAdapter: ProviderAdapter = {
  name: 'vistoure',
  baseUrlHelp: VISTOURE_BASE_URL_HELP,
  pollIntervalMs: VISTOURE_POLL_INTERVAL_MS,
  categories: vistoureCategories,
  async submit(input: SubmitInput, ctx: ProviderContext): Promise<SubmitResult> {
    const body = vistoureRunBody(input, parseVistoureOptions(ctx.options));
    return { jobId: await startRun(ctx, PREFIX, body, 'VistoureAI'), state: { status: 'queued' } };
  },
  status(jobId: string, ctx: ProviderContext): Promise<JobState> {
    return runStatus(ctx, PREFIX, jobId, 'VistoureAI');
  },
  checkKey: checkVistoureKey,
  credits: vistoureCredits,
};
