/**
 * Fallback for browsers whose workers lack OffscreenCanvas (Safari before 16.4): the worker has
 * already decoded and downscaled, so only the small final JPEG encode happens here. It aims at
 * the upload size more simply than the worker (jpeg-size.ts), to keep that code out of the
 * panel's chunk: over the target, one more encode at RETRY_QUALITY. Those browsers are WebKit,
 * whose encoder writes 4:2:0 at every quality.
 */
import type { SizeAim } from './jpeg-size.ts';

/** The second try when the first JPEG is over the target: about 0.7x the bytes of 0.9. */
const RETRY_QUALITY = 0.8;

export async function encodeJpegOnMainThread(
  bitmap: ImageBitmap,
  quality: number,
  size: SizeAim,
): Promise<{ blob: Blob; quality: number }> {
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('2d canvas context unavailable');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0);
  const encode = async (q: number) => {
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', q));
    if (!blob || blob.type !== 'image/jpeg') throw new Error('canvas could not encode JPEG');
    return blob;
  };
  try {
    const first = await encode(quality);
    if (first.size <= size.targetBytes || quality <= RETRY_QUALITY) return { blob: first, quality };
    const second = await encode(RETRY_QUALITY);
    return second.size < first.size ? { blob: second, quality: RETRY_QUALITY } : { blob: first, quality };
  } finally {
    // Release the backing store at once rather than waiting for GC; phones are short of memory.
    canvas.width = canvas.height = 0;
  }
}
