/**
 * Fallback for browsers whose workers lack OffscreenCanvas (Safari before 16.4): the worker has
 * already decoded and downscaled, so only the small final JPEG encode happens here.
 */
export async function encodeJpegOnMainThread(bitmap: ImageBitmap, quality: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('2d canvas context unavailable');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  // Release the backing store at once rather than waiting for GC; phones are short of memory.
  canvas.width = canvas.height = 0;
  if (!blob || blob.type !== 'image/jpeg') throw new Error('canvas could not encode JPEG');
  return blob;
}
