/**
 * VistoureAI Try-On Pro adapter (`TRYON_PROVIDER=vistoure-pro`), see shared providers/vistoure.txt.
 *
 * Same run/status protocol as the plain Try-On (vistoure.ts, whose shared helpers this uses)
 * under `/api/v2/tryon/pro`, with its own category words ('dress' singular, plus
 * 'accessory') and the Pro Fit model, which drapes the garment in the shopper's chosen size.
 */
import type { Category } from '../../protocol.ts';
import type { JobState, ProviderAdapter, ProviderContext, SubmitInput, SubmitResult } from './types.ts';
import {
  VISTOURE_BASE_URL_HELP,
  VISTOURE_POLL_INTERVAL_MS,
  optionError,
  readChoiceOption,
  runStatus,
  startRun,
  toDataUri,
  checkVistoureKey,
  vistoureCredits,
} from './vistoure.ts';

// --- pure mapping, to and from Try-On Pro's words ------------------------------------------

/**
 * Pro accepts 'top', 'bottom', 'dress', 'accessory'; outerwear is dressed as a top, a full outfit
 * as a dress, every accessory kind as its one 'accessory'. Shoes it cannot dress.
 */
export const vistoureProCategories: Partial<Record<Category, string>> = {
  top: 'top',
  outerwear: 'top',
  bottom: 'bottom',
  dress: 'dress',
  full: 'dress',
  watch: 'accessory',
  glasses: 'accessory',
  hat: 'accessory',
  bag: 'accessory',
  jewelry: 'accessory',
  accessory: 'accessory',
};

export const VISTOURE_PRO_MODEL_NAMES = ['Pro', 'Pro Fit'] as const;
export const VISTOURE_PRO_SIZES = ['S', 'M', 'L', 'XL'] as const;
export type VistoureProSize = (typeof VISTOURE_PRO_SIZES)[number];

/** Adapter options, read from `ctx.options`. */
export interface VistoureProOptions {
  modelName?: (typeof VISTOURE_PRO_MODEL_NAMES)[number];
  /** e.g. '3:4', '1:1', '16:9', or 'match_input_image'. */
  aspectRatio?: string;
}

/** Validates the `vistoure-pro` options (`model_name`, `aspect_ratio`); throws on a bad one. */
export function parseVistoureProOptions(options: Record<string, string>): VistoureProOptions {
  const result: VistoureProOptions = {};
  const modelName = readChoiceOption('vistoure-pro', options, 'model_name', VISTOURE_PRO_MODEL_NAMES);
  if (modelName !== undefined) result.modelName = modelName;
  const aspect = options.aspect_ratio?.trim();
  if (aspect) {
    if (!/^\d{1,2}:\d{1,2}$/.test(aspect) && aspect !== 'match_input_image') {
      throw optionError('vistoure-pro', 'aspect_ratio', `expected a ratio like "3:4" or "match_input_image", got "${aspect}".`);
    }
    result.aspectRatio = aspect;
  }
  return result;
}

/**
 * The shopper's size label to a Pro Fit size. Store labels vary ("M", "medium", "X-Large",
 * "2XL"); sizes beyond the four Pro Fit knows go to the nearest one, since a near fit is
 * closer to the truth than the default. Labels that are not letter sizes (e.g. "38",
 * "W32/L34") have no honest mapping and give undefined: the size is then not sent.
 */
export function toProGarmentSize(size: string | undefined): VistoureProSize | undefined {
  if (!size) return undefined;
  const label = size.toUpperCase().replace(/[\s._-]+/g, '');
  if (/^(X*S|\d?XS|SMALL|X*SMALL|EXTRASMALL)$/.test(label)) return 'S';
  if (/^(M|MED|MEDIUM)$/.test(label)) return 'M';
  if (/^(L|LARGE)$/.test(label)) return 'L';
  if (/^(X+L|\d+XL|X+LARGE|EXTRALARGE)$/.test(label)) return 'XL';
  return undefined;
}

/** JSON body of `POST /api/v2/tryon/pro/run`. */
export function vistoureProRunBody(input: SubmitInput, options: VistoureProOptions): Record<string, unknown> {
  const category = vistoureProCategories[input.category];
  if (category === undefined) throw new Error(`vistoure-pro cannot dress category "${input.category}".`);
  const body: Record<string, unknown> = {
    category,
    model_image: toDataUri(input.photo.bytes, input.photo.type),
    garment_image: input.garmentUrl,
  };
  if (options.modelName !== undefined) body.model_name = options.modelName;
  // The doc says garment_size is only read by Pro Fit; sending it elsewhere would be noise.
  if (options.modelName === 'Pro Fit') {
    const size = toProGarmentSize(input.size);
    if (size !== undefined) body.garment_size = size;
  }
  if (options.aspectRatio !== undefined) body.aspect_ratio = options.aspectRatio;
  return body;
}

// --- HTTP: the shared run/status calls of vistoure.ts --------------------------------------

const PREFIX = '/api/v2/tryon/pro';
const LABEL = 'VistoureAI Try-On Pro';

/** VistoureAI Try-On Pro. Options: `model_name` (Pro | Pro Fit), `aspect_ratio`; Pro Fit reads the shopper's size. */
export const vistoureProAdapter: ProviderAdapter = {
  name: 'vistoure-pro',
  baseUrlHelp: VISTOURE_BASE_URL_HELP,
  pollIntervalMs: VISTOURE_POLL_INTERVAL_MS,
  categories: vistoureProCategories,
  async submit(input: SubmitInput, ctx: ProviderContext): Promise<SubmitResult> {
    const body = vistoureProRunBody(input, parseVistoureProOptions(ctx.options));
    return { jobId: await startRun(ctx, PREFIX, body, LABEL), state: { status: 'queued' } };
  },
  status(jobId: string, ctx: ProviderContext): Promise<JobState> {
    return runStatus(ctx, PREFIX, jobId, LABEL);
  },
  // One VistoureAI account and key serve Try-On and Pro, so the balance read checks both.
  checkKey: checkVistoureKey,
  credits: vistoureCredits,
};
