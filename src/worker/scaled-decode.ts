/**
 * Decode at reduced scale with WebCodecs' ImageDecoder: the fast path of the photo pipeline. A
 * phone JPEG can be decoded straight to a fraction of its size, which skips most of the decode
 * work and leaves a small resize, or none. createImageBitmap(blob, {resize*}) does not do this
 * (Chromium decodes in full and resizes, byte for byte the same output as two steps); ImageDecoder
 * does, when given desiredWidth/desiredHeight. Engines read that hint and orient frames differently:
 * - Chromium's VideoFrame has `rotation`/`flip`: its frames hold the stored pixels with the EXIF
 *   turn as metadata, which createImageBitmap(frame) applies. The hint is a byte budget, met by
 *   the largest n/8 DCT scale inside it, so it is asked for the smallest n/8 that covers the
 *   target and the frame is then resized (resizeQuality 'high'). JPEG only: other formats have
 *   no reduced scale, and createImageBitmap decodes them as fast.
 * - Gecko's VideoFrame has no `rotation`: as WebCodecs first specified, its frames come turned
 *   upright, and the hint is the exact size it decodes and resamples to. It is asked for the
 *   target itself, upright, and the frame needs no resize at all. Every format its ImageDecoder
 *   takes goes this way, because Gecko's createImageBitmap(blob) in a worker holds the page's
 *   main thread while it decodes (a 200 ms long task for a 24 MP PNG), and ImageDecoder does not.
 *
 * Anything this path cannot vouch for answers `undefined`, and the caller takes the full decode
 * instead: no ImageDecoder (WebKit), a decode error, a frame whose size or orientation disagrees
 * with the header and EXIF we read, or a decoder that went below the target size.
 */
import { orientedSize, swapsAxes, type Orientation } from './orientation.ts';
import type { SniffedType } from '../shared/image-type.ts';
import { jpegScaledDecodeSize, targetSize, type Size } from './pipeline.ts';

const MIME: Partial<Record<SniffedType, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

/** What the fast path produced: the final bitmap, the photo's upright full size, and the size decoded at. */
export interface ScaledDecode {
  bitmap: ImageBitmap;
  original: Size;
  decoded: Size;
}

// VideoFrame gained rotation/flip with orientation support; lib.dom may not declare them yet.
interface OrientedFrame extends VideoFrame {
  readonly rotation?: number;
  readonly flip?: boolean;
}

/** Whether this scope has WebCodecs' ImageDecoder (Chromium 94+, Firefox 133+; not Safari). */
export function canDecodeAtScale(): boolean {
  return typeof ImageDecoder === 'function';
}

/** Whether this engine's frames say how to turn them (`rotation`), rather than coming upright. */
function framesCarryRotation(): boolean {
  return typeof VideoFrame === 'function' && 'rotation' in VideoFrame.prototype;
}

/** Whether a frame that carries its turn as metadata carries the same one as the EXIF we read. */
function turnMatches(frame: OrientedFrame, orientation: Orientation | undefined): boolean {
  const rotation = frame.rotation ?? 0;
  const turned = rotation !== 0 || frame.flip === true;
  if (orientation === undefined || orientation === 1) return !turned;
  return turned && (rotation % 180 !== 0) === swapsAxes(orientation);
}

/** Whether two sizes have the same shape, within the rounding of a scaled decode. */
function sameShape(a: Size, b: Size): boolean {
  return Math.abs(a.width / a.height - b.width / b.height) < 0.01;
}

/**
 * Decodes `file` (sniffed `type`, header size `stored`, EXIF `orientation` for a JPEG) at reduced
 * scale, upright and resized to the target for `maxLongEdge`. Undefined when the fast path does
 * not apply or cannot be trusted.
 */
export async function decodeAtScale(
  file: Blob,
  type: SniffedType,
  stored: Size,
  orientation: Orientation | undefined,
  maxLongEdge: number,
): Promise<ScaledDecode | undefined> {
  const mime = MIME[type];
  if (!canDecodeAtScale() || !mime) return undefined;
  const original = orientedSize(stored, orientation);
  const target = targetSize(original, maxLongEdge);
  const turnedByMetadata = framesCarryRotation();
  let hint: Size;
  if (turnedByMetadata) {
    const eighths = type === 'jpeg' ? jpegScaledDecodeSize(stored, maxLongEdge) : undefined;
    if (!eighths) return undefined;
    hint = eighths;
  } else {
    if (!(await ImageDecoder.isTypeSupported(mime))) return undefined;
    hint = target;
  }
  let decoder: ImageDecoder | undefined;
  let frame: OrientedFrame | undefined;
  try {
    // A stream, not an ArrayBuffer: the file is not copied into this worker's heap.
    decoder = new ImageDecoder({ data: file.stream(), type: mime, desiredWidth: hint.width, desiredHeight: hint.height });
    // These also reject when the data is not a JPEG it can read; decode() reports that too.
    decoder.completed.catch(() => {});
    decoder.tracks.ready.catch(() => {});
    frame = (await decoder.decode({ frameIndex: 0 })).image as OrientedFrame;
    const decoded = { width: frame.codedWidth, height: frame.codedHeight };
    if (turnedByMetadata) {
      if (!turnMatches(frame, orientation) || !sameShape(decoded, stored)) return undefined;
    } else if (!sameShape(decoded, original)) {
      return undefined;
    }
    const upright = turnedByMetadata ? orientedSize(decoded, orientation) : decoded;
    // Below the target the resize would enlarge, i.e. blur: better decode in full.
    if (upright.width < target.width || upright.height < target.height) return undefined;
    const resize =
      upright.width === target.width && upright.height === target.height
        ? {}
        : { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'high' as const };
    const bitmap = await createImageBitmap(frame, resize);
    if (bitmap.width !== target.width || bitmap.height !== target.height) {
      bitmap.close();
      return undefined;
    }
    return { bitmap, original, decoded };
  } catch {
    return undefined;
  } finally {
    frame?.close();
    decoder?.close();
  }
}
