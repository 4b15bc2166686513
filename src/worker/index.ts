/**
 * Main-thread side of the photo pipeline. Importing this module does nothing; the worker is
 * created on the first `processPhoto` call and reused after that.
 */
import * as Comlink from 'comlink';
import { LIMITS } from '../protocol.ts';
import type { PhotoCheck } from './checks.ts';
import { PHOTO_MESSAGES, PhotoError } from './errors.ts';
import type { SizeAim } from './jpeg-size.ts';
import { DEFAULT_QUALITY, UPLOAD_SIZE } from './limits.ts';
import { encodeJpegOnMainThread } from './main-encode.ts';
import type { DecodePath, WorkerResult } from './process.ts';
import type { PhotoWorkerApi } from './worker.ts';
import { defaultPhotoWorkerUrl, workerScriptFor } from './worker-url.ts';

export { PhotoError } from './errors.ts';
export type { PhotoCheck } from './checks.ts';

/** Options of {@link processPhoto}. */
export interface PhotoOptions {
  /** Longest edge of the output in px; larger photos are downscaled, smaller ones kept. Default `LIMITS.photoLongEdge` (1536). */
  maxLongEdge?: number;
  /** JPEG quality in (0, 1] of the first encode. Default 0.9. */
  quality?: number;
  /** Aborting rejects the call with a DOMException named `AbortError` and drops the result. */
  signal?: AbortSignal;
  /**
   * Run the on-device checks (size, light, focus, orientation) and return them in `checks`.
   * `expectPortrait`: the garment needs a standing figure, so a landscape photo is suspect.
   */
  checks?: { expectPortrait: boolean };
}

/** A shopper photo ready for upload: upright, downscaled, JPEG, with no EXIF/GPS metadata. */
export interface ProcessedPhoto {
  blob: Blob;
  width: number;
  height: number;
  /** Size of `blob` in bytes. */
  bytes: number;
  type: 'image/jpeg';
  /**
   * The JPEG quality of `blob`: `quality`, or lower when the first encode was over `targetBytes`.
   * Optional, like `path`, because the widget also builds a ProcessedPhoto for a photo it
   * remembered from an earlier visit, which was not processed now.
   */
  quality?: number;
  /** How it was decoded: a JPEG at reduced scale ('scaled', where the engine has ImageDecoder) or in full. */
  path?: DecodePath;
  /** Wall-clock time from the call to the result, in milliseconds. */
  ms: number;
  /** Likely problems found on the device (empty when none, or when `checks` was not asked for). */
  checks: PhotoCheck[];
}

// Canvas dimension ceiling common to browsers; beyond it encoding fails anyway.
const MAX_LONG_EDGE = 16384;

interface WorkerHandle {
  worker: Worker;
  remote: Comlink.Remote<PhotoWorkerApi>;
  /** Rejects when the worker dies or is disposed, so pending calls do not hang forever. */
  lost: Promise<never>;
  lose: (reason: unknown) => void;
  objectUrl: string | undefined;
}

let workerUrlOverride: string | URL | undefined;
let handle: WorkerHandle | undefined;

/**
 * Loads the worker script from `url` instead of the bundled one. A URL on another origin than
 * the page (a CDN) is started through a same-origin `blob:` module that imports it, so the
 * host must answer with CORS headers. Takes effect on the next call; a running worker is disposed.
 */
export function setPhotoWorkerUrl(url: string | URL): void {
  workerUrlOverride = url;
  disposePhotoWorker();
}

/** Terminates the worker (if any), rejecting calls still in flight with an AbortError. */
export function disposePhotoWorker(): void {
  const current = handle;
  if (!current) return;
  handle = undefined;
  current.lose(new DOMException('The photo worker was disposed.', 'AbortError'));
  current.remote[Comlink.releaseProxy]();
  current.worker.terminate();
  if (current.objectUrl) URL.revokeObjectURL(current.objectUrl);
}

function startWorker(): { worker: Worker; objectUrl: string | undefined } {
  const configured = workerUrlOverride ?? defaultPhotoWorkerUrl();
  if (configured === undefined) {
    // Written out in full so bundlers (Vite, webpack) find and bundle the worker.
    return { worker: new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }), objectUrl: undefined };
  }
  const { scriptUrl, objectUrl } = workerScriptFor(new URL(configured, location.href), location.origin);
  return { worker: new Worker(scriptUrl, { type: 'module' }), objectUrl };
}

function getWorker(): WorkerHandle {
  if (handle) return handle;
  if (typeof Worker === 'undefined') throw new PhotoError('internal_error', PHOTO_MESSAGES.noWorker);
  const { worker, objectUrl } = startWorker();
  let lose!: (reason: unknown) => void;
  const lost = new Promise<never>((_, reject) => (lose = reject));
  lost.catch(() => {}); // observed by Promise.race in each call; this only silences "unhandled"
  const created: WorkerHandle = { worker, remote: Comlink.wrap<PhotoWorkerApi>(worker), lost, lose, objectUrl };
  const onFailure = (event: Event) => {
    if (handle !== created) return;
    const detail = event instanceof ErrorEvent && event.message ? ` (${event.message})` : '';
    disposeFailed(created, new PhotoError('internal_error', PHOTO_MESSAGES.workerFailed, { cause: `worker error${detail}` }));
  };
  worker.addEventListener('error', onFailure);
  worker.addEventListener('messageerror', onFailure);
  handle = created;
  return created;
}

function disposeFailed(failed: WorkerHandle, reason: PhotoError): void {
  failed.lose(reason);
  disposePhotoWorker();
}

function abortError(): DOMException {
  return new DOMException('Photo processing was aborted.', 'AbortError');
}

function abortPromise(signal: AbortSignal | undefined): { promise: Promise<never>; cleanup: () => void } {
  if (!signal) return { promise: new Promise<never>(() => {}), cleanup: () => {} };
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, cleanup: () => signal.removeEventListener('abort', onAbort) };
}

function readOptions(options: PhotoOptions): { maxLongEdge: number; quality: number; size: SizeAim } {
  const maxLongEdge = options.maxLongEdge ?? LIMITS.photoLongEdge;
  const quality = options.quality ?? DEFAULT_QUALITY;
  if (!Number.isInteger(maxLongEdge) || maxLongEdge < 1 || maxLongEdge > MAX_LONG_EDGE) {
    throw new RangeError(`maxLongEdge must be a whole number of pixels from 1 to ${MAX_LONG_EDGE}, got ${maxLongEdge}.`);
  }
  if (!(quality > 0 && quality <= 1)) throw new RangeError(`quality must be above 0 and at most 1, got ${quality}.`);
  // Every upload aims at the same size (limits.ts): the endpoint's budget does not depend on the caller.
  return { maxLongEdge, quality, size: UPLOAD_SIZE };
}

/**
 * Turns a shopper's photo into an upload, off the main thread: decodes it with its EXIF
 * orientation applied, downscales it to `maxLongEdge` (never up) and re-encodes it as JPEG,
 * which drops all metadata (EXIF, GPS).
 *
 * Rejects with a {@link PhotoError} whose `code` is `image_undecodable` (not an image, or a
 * format this browser cannot open), `image_heic_unsupported`, `photo_corrupt` (truncated JPEG),
 * `photo_too_large` (absurd file or pixel count) or `internal_error` (no Web Worker support, the
 * worker died); with a DOMException `AbortError` when `signal` aborts; with a RangeError for
 * invalid options.
 */
export async function processPhoto(file: Blob, options: PhotoOptions = {}): Promise<ProcessedPhoto> {
  const started = performance.now();
  const { signal } = options;
  // Duck-typed so a File from another realm (an iframe's file input) is accepted too.
  if (!file || typeof file.size !== 'number' || typeof file.arrayBuffer !== 'function') {
    throw new TypeError('processPhoto expects a File or Blob.');
  }
  const settings = readOptions(options);
  if (signal?.aborted) throw abortError();

  const worker = getWorker();
  const aborted = abortPromise(signal);
  const work = worker.remote.process(file, {
    ...settings,
    encode: true,
    ...(options.checks && { checks: options.checks }),
  }) as Promise<WorkerResult>;
  // A result that arrives after an abort is dropped; a transferred bitmap must still be freed.
  void work.then(
    (late) => {
      if (signal?.aborted && late.ok && late.kind === 'bitmap') late.bitmap.close();
    },
    () => {},
  );
  let result: WorkerResult;
  try {
    result = await Promise.race([work, worker.lost, aborted.promise]);
  } finally {
    aborted.cleanup();
  }
  if (!result.ok) throw new PhotoError(result.code, result.message);

  let blob: Blob;
  let quality: number;
  if (result.kind === 'blob') {
    ({ blob, quality } = result);
  } else {
    try {
      if (signal?.aborted) throw abortError();
      ({ blob, quality } = await encodeJpegOnMainThread(result.bitmap, settings.quality, settings.size));
    } catch (error) {
      if (error instanceof DOMException) throw error;
      throw new PhotoError('internal_error', PHOTO_MESSAGES.encodeFailed, { cause: error });
    } finally {
      result.bitmap.close();
    }
  }
  if (signal?.aborted) throw abortError();
  return {
    blob,
    width: result.width,
    height: result.height,
    bytes: blob.size,
    type: 'image/jpeg',
    quality,
    path: result.path,
    ms: performance.now() - started,
    checks: result.checks,
  };
}
