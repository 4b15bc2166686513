/**
 * The worker side of the photo pipeline: check, decode (EXIF-oriented), downscale, re-encode.
 * Runs only inside the photo worker; the main thread never decodes or resizes.
 */
import { imageSize } from './image-size.ts';
import { PHOTO_MESSAGES, type PhotoFailure } from './errors.ts';
import { analysisSize, checkPhoto, type PhotoCheck } from './checks.ts';
import { encodeToSize, type SizeAim } from './jpeg-size.ts';
import { INPUT_LIMITS } from './limits.ts';
import { jpegOrientation, orientedSize } from './orientation.ts';
import { endsWithJpegEoi, isJpegComplete, sniffImageType, targetSize, type Size } from './pipeline.ts';
import { decodeResized, resizeBitmap } from './resize.ts';
import { decodeAtScale } from './scaled-decode.ts';

/** What the main thread asks of the worker for one photo. */
export interface WorkerRequest {
  maxLongEdge: number;
  quality: number;
  /** Where the JPEG should land (see jpeg-size.ts). */
  size: SizeAim;
  /** False asks for the resized bitmap instead of a JPEG (main-thread encode fallback, tests). */
  encode: boolean;
  /** Run the on-device checks; `expectPortrait` is false for categories that need no standing figure. */
  checks?: { expectPortrait: boolean };
}

/**
 * How the photo was decoded: at reduced scale by ImageDecoder ('scaled': Chromium's JPEGs, all of
 * Gecko's formats), by createImageBitmap straight to a whole fraction of its size ('resized':
 * WebKit's JPEGs), or in full and then resized ('full').
 */
export type DecodePath = 'scaled' | 'resized' | 'full';

export type WorkerResult =
  | {
      ok: true;
      kind: 'blob';
      blob: Blob;
      quality: number;
      encodes: number;
      width: number;
      height: number;
      path: DecodePath;
      checks: PhotoCheck[];
    }
  | { ok: true; kind: 'bitmap'; bitmap: ImageBitmap; width: number; height: number; path: DecodePath; checks: PhotoCheck[] }
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

// Enough for every header a camera writes before the image data (EXIF with thumbnail, ICC, MPF).
const HEAD_BYTES = 512 * 1024;
// Zero padding after EOI is rare and short; a tail of zeros this long sends us to the full walk.
const TAIL_BYTES = 64 * 1024;

/**
 * Reads only what the checks need: the head (type, header size, EXIF) and, for a JPEG, the tail
 * (EOI). The whole file is copied into the worker only when those do not settle it: a header
 * beyond the head, or data after EOI (motion photos) that isJpegComplete must walk.
 */
class FileBytes {
  private all: Uint8Array | undefined;
  private constructor(
    private readonly file: Blob,
    readonly head: Uint8Array,
  ) {}

  static async open(file: Blob): Promise<FileBytes> {
    const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
    const opened = new FileBytes(file, head);
    if (file.size <= HEAD_BYTES) opened.all = head;
    return opened;
  }

  get isWhole(): boolean {
    return this.all !== undefined;
  }

  async tail(): Promise<Uint8Array> {
    if (this.all) return this.all.subarray(Math.max(0, this.all.length - TAIL_BYTES));
    return new Uint8Array(await this.file.slice(Math.max(0, this.file.size - TAIL_BYTES)).arrayBuffer());
  }

  async whole(): Promise<Uint8Array> {
    this.all ??= new Uint8Array(await this.file.arrayBuffer());
    return this.all;
  }
}

// Header parsing only; a header too odd for image-size is left for the decoder to judge. The
// head is tried first because image-size copies its input per JPEG segment.
async function declaredSize(bytes: FileBytes): Promise<Size | undefined> {
  return readSize(bytes.head) ?? (bytes.isWhole ? undefined : readSize(await bytes.whole()));
}

async function jpegComplete(bytes: FileBytes): Promise<boolean> {
  return endsWithJpegEoi(await bytes.tail()) || isJpegComplete(await bytes.whole());
}

function tooManyPixels(size: Size): boolean {
  return size.width * size.height > INPUT_LIMITS.maxPixels;
}

const tooManyPixelsFailure = () => fail('photo_too_large', PHOTO_MESSAGES.tooManyPixels(Math.round(INPUT_LIMITS.maxPixels / 1_000_000)));

/**
 * A JPEG encoder for `bitmap` on an OffscreenCanvas, drawn once over white (so transparent PNG
 * areas do not turn black) and encoded at whatever quality each call asks.
 */
export function offscreenJpegEncoder(bitmap: ImageBitmap): (quality: number) => Promise<Blob> {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('2d context unavailable on OffscreenCanvas');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, bitmap.width, bitmap.height);
  context.drawImage(bitmap, 0, 0);
  // A canvas re-encode writes pixels only, so EXIF, GPS and any other metadata are gone.
  return (quality) => canvas.convertToBlob({ type: 'image/jpeg', quality });
}

interface Decoded {
  bitmap: ImageBitmap;
  original: Size;
  path: DecodePath;
}

/**
 * Decodes `file` with its EXIF orientation applied and downscaled to `maxLongEdge`, by the
 * engine's fastest path that keeps the main thread free: ImageDecoder at reduced scale where it
 * applies (scaled-decode.ts), a one-call decode and resize for a JPEG where that is faster
 * (resize.ts), else a full decode and then the engine's good resize.
 */
async function decodeAndResize(
  file: Blob,
  type: ReturnType<typeof sniffImageType>,
  bytes: FileBytes,
  declared: Size | undefined,
  maxLongEdge: number,
): Promise<Decoded | PhotoFailure> {
  if (declared) {
    const orientation = type === 'jpeg' ? jpegOrientation(bytes.head) : undefined;
    const scaled = await decodeAtScale(file, type, declared, orientation, maxLongEdge);
    if (scaled) return { bitmap: scaled.bitmap, original: scaled.original, path: 'scaled' };
    if (type === 'jpeg') {
      // Only where the EXIF orientation is read here: the sizes asked for are the upright ones.
      const original = orientedSize(declared, orientation);
      const target = targetSize(original, maxLongEdge);
      const resized = await decodeResized(file, original, target).catch(() => undefined);
      if (resized) return { bitmap: resized, original, path: 'resized' };
    }
  }
  return decodeFullAndResize(file, type, maxLongEdge);
}

/** The path every browser has: a full decode, then the engine's good resize (resize.ts). */
async function decodeFullAndResize(
  file: Blob,
  type: ReturnType<typeof sniffImageType>,
  maxLongEdge: number,
): Promise<Decoded | PhotoFailure> {
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
  if (target.width === decoded.width && target.height === decoded.height) return { bitmap: decoded, original, path: 'full' };
  try {
    return { bitmap: await resizeBitmap(decoded, target), original, path: 'full' };
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
  const bytes = await FileBytes.open(file);
  const type = sniffImageType(bytes.head);
  if (type === 'jpeg' && !(await jpegComplete(bytes))) return fail('photo_corrupt', PHOTO_MESSAGES.corrupt);
  const declared = await declaredSize(bytes);
  if (declared && tooManyPixels(declared)) return tooManyPixelsFailure();

  const decoded = await decodeAndResize(file, type, bytes, declared, request.maxLongEdge);
  if ('ok' in decoded) return decoded;
  const { bitmap, original, path } = decoded;
  const { width, height } = bitmap;
  const runRequestedChecks = () => (request.checks ? runChecks(bitmap, original, request.checks.expectPortrait) : Promise.resolve([]));
  if (!request.encode || !canEncodeOffscreen())
    return { ok: true, kind: 'bitmap', bitmap, width, height, path, checks: await runRequestedChecks() };
  try {
    // The encode runs off this thread once started, so the checks' small copy is made meanwhile.
    const encoding = encodeToSize(offscreenJpegEncoder(bitmap), request.quality, request.size);
    const [jpeg, checks] = await Promise.all([encoding, runRequestedChecks()]);
    if (jpeg.blob.type !== 'image/jpeg') return fail('internal_error', PHOTO_MESSAGES.encodeFailed);
    return { ok: true, kind: 'blob', blob: jpeg.blob, quality: jpeg.quality, encodes: jpeg.encodes, width, height, path, checks };
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
