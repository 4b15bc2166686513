/**
 * The worker side of the photo pipeline: check, decode (EXIF-oriented), downscale, re-encode.
 * Runs only inside the photo worker; the main thread never decodes or resizes.
 */
import { imageSize } from 'image-size';
import { PHOTO_MESSAGES, type PhotoFailure } from './errors.ts';
import { analysisSize, checkPhoto, type PhotoCheck } from './checks.ts';
import { INPUT_LIMITS } from './limits.ts';
import { isJpegComplete, sniffImageType, targetSize, type Size } from './pipeline.ts';

/** What the main thread asks of the worker for one photo. */
export interface WorkerRequest {
  maxLongEdge: number;
  quality: number;
  /** False asks for the resized bitmap instead of a JPEG (main-thread encode fallback, tests). */
  encode: boolean;
  /** Run the on-device checks; `expectPortrait` is false for categories that need no standing figure. */
  checks?: { expectPortrait: boolean };
}

export type WorkerResult =
  | { ok: true; kind: 'blob'; blob: Blob; width: number; height: number; checks: PhotoCheck[] }
  | { ok: true; kind: 'bitmap'; bitmap: ImageBitmap; width: number; height: number; checks: PhotoCheck[] }
  | PhotoFailure;

/** Whether this global scope can encode JPEG off the main thread. */
export function canEncodeOffscreen(): boolean {
  return typeof OffscreenCanvas === 'function' && typeof OffscreenCanvas.prototype.convertToBlob === 'function';
}

function fail(code: PhotoFailure['code'], message: string): PhotoFailure {
  return { ok: false, code, message };
}

function readSize(bytes: Uint8Array): Size | undefined {
  try {
    const { width, height } = imageSize(bytes);
    return width && height ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

// Header parsing only; a header too odd for image-size is left for the decoder to judge. The
// head is tried first because image-size copies its input per JPEG segment.
function declaredSize(bytes: Uint8Array): Size | undefined {
  const head = 512 * 1024;
  return readSize(bytes.subarray(0, head)) ?? (bytes.length > head ? readSize(bytes) : undefined);
}

function tooManyPixels(size: Size): boolean {
  return size.width * size.height > INPUT_LIMITS.maxPixels;
}

const tooManyPixelsFailure = () =>
  fail('photo_too_large', PHOTO_MESSAGES.tooManyPixels(Math.round(INPUT_LIMITS.maxPixels / 1_000_000)));

/** Encodes on an OffscreenCanvas, over white so transparent PNG areas do not turn black in JPEG. */
export async function encodeJpegOffscreen(bitmap: ImageBitmap, quality: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('2d context unavailable on OffscreenCanvas');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, bitmap.width, bitmap.height);
  context.drawImage(bitmap, 0, 0);
  // A canvas re-encode writes pixels only, so EXIF, GPS and any other metadata are gone.
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

/** Decodes `file` with its EXIF orientation applied and downscales it to `maxLongEdge`. */
async function decodeAndResize(
  file: Blob,
  type: ReturnType<typeof sniffImageType>,
  maxLongEdge: number,
): Promise<{ bitmap: ImageBitmap; original: Size } | PhotoFailure> {
  let decoded: ImageBitmap;
  try {
    decoded = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return type === 'heic' ? fail('image_heic_unsupported', PHOTO_MESSAGES.heic) : fail('image_undecodable', PHOTO_MESSAGES.undecodable);
  }
  if (tooManyPixels(decoded)) {
    decoded.close();
    return tooManyPixelsFailure();
  }
  const original = { width: decoded.width, height: decoded.height };
  const target = targetSize(decoded, maxLongEdge);
  if (target.width === decoded.width && target.height === decoded.height) return { bitmap: decoded, original };
  try {
    const bitmap = await createImageBitmap(decoded, {
      resizeWidth: target.width,
      resizeHeight: target.height,
      resizeQuality: 'high',
    });
    return { bitmap, original };
  } finally {
    decoded.close();
  }
}

/** The whole worker-side pipeline for one photo. Never throws for bad input: it returns a failure. */
export async function processInWorker(file: Blob, request: WorkerRequest): Promise<WorkerResult> {
  if (file.size === 0) return fail('image_undecodable', PHOTO_MESSAGES.empty);
  if (file.size > INPUT_LIMITS.maxBytes) {
    return fail('photo_too_large', PHOTO_MESSAGES.tooManyBytes(Math.round(INPUT_LIMITS.maxBytes / 1024 / 1024)));
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniffImageType(bytes);
  if (type === 'jpeg' && !isJpegComplete(bytes)) return fail('photo_corrupt', PHOTO_MESSAGES.corrupt);
  const declared = declaredSize(bytes);
  if (declared && tooManyPixels(declared)) return tooManyPixelsFailure();

  const decoded = await decodeAndResize(file, type, request.maxLongEdge);
  if ('ok' in decoded) return decoded;
  const { bitmap, original } = decoded;
  const { width, height } = bitmap;
  const checks = request.checks ? await runChecks(bitmap, original, request.checks.expectPortrait) : [];
  if (!request.encode || !canEncodeOffscreen()) return { ok: true, kind: 'bitmap', bitmap, width, height, checks };
  try {
    const blob = await encodeJpegOffscreen(bitmap, request.quality);
    if (blob.type !== 'image/jpeg') return fail('internal_error', PHOTO_MESSAGES.encodeFailed);
    return { ok: true, kind: 'blob', blob, width, height, checks };
  } catch {
    return fail('internal_error', PHOTO_MESSAGES.encodeFailed);
  } finally {
    bitmap.close();
  }
}

/**
 * The checks run on a small grey-able copy (long edge 640 px): enough detail to judge focus
 * and light, a few milliseconds of work. A browser without OffscreenCanvas in workers skips
 * them: they are advice, not a gate.
 */
async function runChecks(bitmap: ImageBitmap, original: Size, expectPortrait: boolean): Promise<PhotoCheck[]> {
  if (typeof OffscreenCanvas !== 'function') return [];
  const size = analysisSize(bitmap);
  try {
    const small = await createImageBitmap(bitmap, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'medium' });
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return [];
    context.fillStyle = '#fff';
    context.fillRect(0, 0, size.width, size.height);
    context.drawImage(small, 0, 0);
    small.close();
    const pixels = context.getImageData(0, 0, size.width, size.height);
    return checkPhoto(pixels, { original, expectPortrait });
  } catch {
    return [];
  }
}
