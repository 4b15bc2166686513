/**
 * What the error state shows for a failure: its stable code, the message in the panel's
 * language (the endpoint's own words only for a code the locales do not know), the endpoint's
 * details, and whether sending the same photo again could help.
 */
import { ClientError } from '../client/errors.ts';
import { SETUP_ERROR_CODES, type ErrorCode } from '../protocol.ts';
import { PhotoError } from '../worker/errors.ts';
import type { ShownError } from './machine.ts';
import type { TryOnStrings } from './strings.ts';

/** Refusals of the photo itself: sending the same photo again cannot help, only another photo. */
const PHOTO_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'image_undecodable',
  'image_heic_unsupported',
  'photo_too_large',
  'photo_too_many_pixels',
  'photo_unsupported_type',
  'photo_corrupt',
  'photo_rejected',
  'pose_unsupported',
  'moderation_blocked',
]);

export function shownError(error: unknown, s: TryOnStrings): ShownError {
  let code: ErrorCode = 'internal_error';
  let fallback = s.errors.default;
  let details: string[] | undefined;
  if (error instanceof PhotoError || error instanceof ClientError) {
    code = error.code;
    fallback = error.message || fallback;
    if (error instanceof ClientError) details = error.details;
  } else {
    // A merchant misconfiguration (no endpoint) or a bug: the console says which.
    console.error('[try-on-button]', error);
  }
  const setup = SETUP_ERROR_CODES.includes(code);
  // The endpoint's sentence names the setting that fixes it (TRYON_GARMENT_HOSTS, TRYON_CATALOG, ...).
  if (setup) console.warn(`[try-on-button] ${code}: ${fallback}`);
  return {
    code,
    message: s.errors[code] ?? fallback,
    details,
    retryable: !setup && !PHOTO_REFUSALS.has(code) && !(error instanceof PhotoError),
    ...(setup && { setup }),
  };
}
