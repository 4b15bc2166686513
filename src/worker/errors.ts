import type { ErrorCode } from '../protocol.ts';

/**
 * Why a photo could not be turned into an upload. `code` is one of the stable protocol codes the
 * widget branches on; `message` is a sentence the shopper can act on (the widget may localize it).
 */
export class PhotoError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PhotoError';
    this.code = code;
  }
}

/** A failure as it crosses the worker boundary: plain data, because Comlink drops custom error fields. */
export interface PhotoFailure {
  ok: false;
  code: ErrorCode;
  message: string;
}

/** Default English messages, one per photo failure the pipeline reports. */
export const PHOTO_MESSAGES = {
  empty: 'The chosen file is empty. Please choose a photo.',
  undecodable: 'This file is not a photo this browser can open. Please choose a JPEG, PNG or WebP photo.',
  heic: 'This browser cannot open HEIC/HEIF photos (the iPhone default). Please choose a JPEG, or set the camera to "Most Compatible" and take the photo again.',
  corrupt: 'This photo file is incomplete or damaged (maybe it did not finish downloading). Please choose it again or pick another photo.',
  tooManyBytes: (mb: number) => `This photo file is too large (over ${mb} MB). Please choose a smaller photo or a screenshot of it.`,
  tooManyPixels: (mp: number) =>
    `This photo has too many pixels (over ${mp} megapixels) to process on this device. Please choose a smaller photo.`,
  encodeFailed: 'The photo could not be prepared for upload on this device. Please try again or choose another photo.',
  noWorker: 'This browser cannot prepare photos in the background (Web Workers are unavailable). Please update it or use another browser.',
  workerFailed: 'The photo processor stopped unexpectedly. Please try again.',
} as const;
