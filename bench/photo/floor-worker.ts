/**
 * The floor of issue 7: a bare full decode of the file, off the main thread like ours, and
 * nothing else. Drawing one pixel forces the decode in case the bitmap was decoded lazily.
 */
const scratch = new OffscreenCanvas(1, 1);
const ctx = scratch.getContext('2d')!;

function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x + i * 2654435761) >>> 0;
  return x;
}

self.onmessage = async (event: MessageEvent<{ id: number; blob?: Blob; spin?: number }>) => {
  const { id, blob } = event.data;
  if (event.data.spin !== undefined) {
    const t0 = performance.now();
    spin(event.data.spin);
    self.postMessage({ id, ms: performance.now() - t0 });
    return;
  }
  try {
    const bitmap = await createImageBitmap(blob!, { imageOrientation: 'from-image' });
    ctx.drawImage(bitmap, 0, 0, 1, 1, 0, 0, 1, 1);
    const { width, height } = bitmap;
    bitmap.close();
    self.postMessage({ id, width, height });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
};
