/**
 * A provider's failure text → our stable code and a shopper-facing message, for every adapter.
 *
 * Providers explain a failed or refused try-on in their own free text ("NSFW content
 * detected", "Replicate API error: no person found", "ImageLoadError: model_image"). That
 * text may name upstream vendors, hosts or stack traces, so it is only ever classified here,
 * never shown: the shopper reads one of the messages below, whichever provider ran the job.
 * Pure functions, no I/O.
 */
import type { ErrorBody, ErrorCode } from '../../protocol.ts';
import { ProviderError } from './errors.ts';

/** The codes a failed job (or a refused photo or garment) can carry. */
export type FailureCode = Extract<
  ErrorCode,
  'pose_unsupported' | 'moderation_blocked' | 'photo_rejected' | 'garment_rejected' | 'generation_failed'
>;

/** The one place shopper-facing failure messages are written; the widget may localize by code. */
export const FAILURE_MESSAGES: Readonly<Record<FailureCode, string>> = {
  pose_unsupported:
    'We could not make out your pose in this photo. Please use a photo where you stand facing the camera with your body clearly visible.',
  moderation_blocked: 'This photo cannot be used for try-on. Please choose a different photo.',
  photo_rejected: 'This photo does not work for try-on. Please use a clear, well-lit photo of yourself facing the camera.',
  garment_rejected: 'This product cannot be tried on right now. Please try another product.',
  generation_failed: 'The try-on could not be created this time. Please try again.',
};

// Order matters: moderation wins over everything (a blocked photo must not read as "bad pose"),
// and a text naming the garment is the product's fault even when it also says "image".
const RULES: ReadonlyArray<readonly [FailureCode, RegExp]> = [
  ['moderation_blocked', /nsfw|moderat|safety|unsafe|inappropriate|explicit|nudity|content polic|prohibited/],
  ['pose_unsupported', /pose|keypoint|skeleton/],
  ['garment_rejected', /garm|cloth|apparel|product|packshot/],
  // Word starts keep "upper_body" (a category word) and "interface" from blaming the photo.
  ['photo_rejected', /model[_ ]image|\bhuman|\bperson|\bfaces?\b|\bbody\b|selfie/],
];

/** Trouble with "the image" that does not say which one. */
const IMAGE_TROUBLE = /image|photo|download|fetch|decode|corrupt|format|cannot identify/;

/**
 * Classifies a provider's failure text. `imageBlame` says whose image a text means when it
 * only speaks of "the image": for a one-call provider the photo is the only image the
 * shopper chose (the garment is named above), while a multi-step provider knows which
 * step's image failed. Unknown or missing text is `generation_failed`.
 */
export function classifyFailure(text: string | undefined, imageBlame: FailureCode = 'photo_rejected'): FailureCode {
  const t = (text ?? '').toLowerCase();
  if (t === '') return 'generation_failed';
  for (const [code, pattern] of RULES) if (pattern.test(t)) return code;
  return IMAGE_TROUBLE.test(t) ? imageBlame : 'generation_failed';
}

/** The error body of a code: the code and our message for it. */
export function failureBody(code: FailureCode): ErrorBody {
  return { code, message: FAILURE_MESSAGES[code] };
}

/** Provider failure text → `{ code, message }` for a failed job's status. */
export function mapFailure(text: string | undefined, imageBlame?: FailureCode): ErrorBody {
  return failureBody(classifyFailure(text, imageBlame));
}

/**
 * A provider's `error` field as text: a string, or an object whose name/code/message/detail
 * parts are joined. Anything else (null, numbers) is no text.
 */
export function errorText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const parts = [o.name, o.code, o.message, o.detail].filter((p): p is string => typeof p === 'string' && p !== '');
    return parts.length ? parts.join(': ') : undefined;
  }
  return undefined;
}

/**
 * A request the provider refused before starting paid work (a 4xx with a reason, or an
 * `error` in a 2xx). When the reason names the photo or garment it is the shopper's
 * (`rejected`, our message); otherwise we sent something it did not accept, which is ours or
 * the merchant's to fix, logged as `bad_response` and never shown as the provider's words.
 */
export function refusalError(label: string, text: string | undefined, providerStatus?: number): ProviderError {
  const code = classifyFailure(text);
  if (code === 'generation_failed') {
    const how = providerStatus === undefined ? '' : ` with HTTP ${providerStatus}`;
    return new ProviderError('bad_response', `${label} refused the request${how}.`, { providerStatus });
  }
  return new ProviderError('rejected', FAILURE_MESSAGES[code], { code, providerStatus });
}
