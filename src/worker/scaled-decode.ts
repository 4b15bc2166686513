/**
 * JPEG decode at reduced scale, then the final high-quality resize: the fast path of the photo
 * pipeline. A phone JPEG's DCT blocks can be decoded straight to 1/2, 3/8... of their size, which
 * skips most of the decode work and leaves a much smaller resize. createImageBitmap(blob, {resize*})
 * does not do this in Chromium (it decodes in full and resizes, byte for byte the same output as
 * two steps); WebCodecs' ImageDecoder does, when given desiredWidth/desiredHeight.
 *
 * Anything this path cannot vouch for answers `undefined`, and the caller takes the plain
 * createImageBitmap path instead: no ImageDecoder, a decode error, a frame whose orientation
 * disagrees with the EXIF we read, or a decoder that went below the target size.
 */
import { orientedSize, swapsAxes, type Orientation } from './orientation.ts';
import { jpegScaledDecodeSize, targetSize, type Size } from './pipeline.ts';

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

/**
 * Whether the frame carries the same orientation as the EXIF we read. A browser whose frames
 * do not say how they are turned (no `rotation`) is trusted only for photos stored upright.
 */
function frameMatches(frame: OrientedFrame, orientation: Orientation | undefined): boolean {
  const rotation = frame.rotation ?? 0;
  const turned = rotation !== 0 || frame.flip === true;
  if (orientation === undefined || orientation === 1) return !turned;
  if (frame.rotation === undefined) return false;
  return turned && (rotation % 180 !== 0) === swapsAxes(orientation);
}

/**
 * Decodes the JPEG `file` (header size `stored`, EXIF `orientation`) at the smallest 1/8 scale
 * that still covers `maxLongEdge`, applies the orientation and resizes to the target with
 * resizeQuality 'high'. Undefined when the fast path does not apply or cannot be trusted.
 */
export async function decodeJpegAtScale(
  file: Blob,
  stored: Size,
  orientation: Orientation | undefined,
  maxLongEdge: number,
): Promise<ScaledDecode | undefined> {
  if (!canDecodeAtScale()) return undefined;
  const hint = jpegScaledDecodeSize(stored, maxLongEdge);
  if (!hint) return undefined;
  const original = orientedSize(stored, orientation);
  const target = targetSize(original, maxLongEdge);
  let decoder: ImageDecoder | undefined;
  let frame: OrientedFrame | undefined;
  try {
    // A stream, not an ArrayBuffer: the file is not copied into this worker's heap.
    decoder = new ImageDecoder({ data: file.stream(), type: 'image/jpeg', desiredWidth: hint.width, desiredHeight: hint.height });
    frame = (await decoder.decode({ frameIndex: 0 })).image as OrientedFrame;
    const decoded = { width: frame.codedWidth, height: frame.codedHeight };
    // Below the target the resize would enlarge, i.e. blur: better decode in full.
    if (Math.max(decoded.width, decoded.height) < Math.max(target.width, target.height)) return undefined;
    if (!frameMatches(frame, orientation)) return undefined;
    const bitmap = await createImageBitmap(frame, { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'high' });
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
