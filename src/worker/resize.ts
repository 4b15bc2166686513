/**
 * The downscale to the upload size, with each engine's good resampler. `createImageBitmap` with
 * `resizeQuality: 'high'` low-passes a large downscale in Chromium and Gecko (41.7-41.8 dB against
 * an exact area average on the bench scene), but WebKit's 'high' is a filter that does not widen
 * with the ratio: fine stripes alias (33.9 dB, worse than bilinear, and a larger JPEG). The worker
 * asks the engine once, on a tiny striped image, and where 'high' is no better than bilinear it
 * halves the image in 2:1 steps (each a 2x2 average) before one last step of less than 2:1.
 */
import type { Size } from './pipeline.ts';

// Alternating black and white columns, 1 px wide, shrunk 64 -> 24: bilinear sampling leaves
// bands of 213/128/43; a resampler that widens its filter with the ratio is smoother (Chromium's
// 'high' about 195/128/60, Gecko's even grey); WebKit's 'high' is sharper than bilinear (239/128/19).
// The ratio is not a whole number on purpose: at exactly 2:1 or 4:1 every one of them averages.
const PROBE = { width: 64, height: 4, resizedWidth: 24 } as const;

let smoothHigh: Promise<boolean> | undefined;

/** Whether `createImageBitmap(..., { resizeQuality: 'high' })` filters a downscale better than bilinear here (probed once). */
export function resizeHighIsSmooth(): Promise<boolean> {
  smoothHigh ??= probeResizeHigh().catch(() => false);
  return smoothHigh;
}

/** How far from mid grey (RMS) the stripes come out at `quality`. */
async function stripesDeviation(source: ImageBitmap, quality: ResizeQuality): Promise<number> {
  const small = await createImageBitmap(source, { resizeWidth: PROBE.resizedWidth, resizeHeight: PROBE.height, resizeQuality: quality });
  const canvas = new OffscreenCanvas(small.width, small.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(small, 0, 0);
  small.close();
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    const x = (i / 4) % canvas.width;
    // The edge columns see the image border, not the stripes.
    if (x < 2 || x >= canvas.width - 2) continue;
    sum += (data[i]! - 128) ** 2;
    count++;
  }
  return Math.sqrt(sum / count);
}

async function probeResizeHigh(): Promise<boolean> {
  const stripes = new ImageData(PROBE.width, PROBE.height);
  for (let i = 0; i < stripes.data.length; i += 4) {
    const v = (i / 4) % 2 === 0 ? 0 : 255;
    stripes.data.set([v, v, v, 255], i);
  }
  const source = await createImageBitmap(stripes);
  try {
    const [high, low] = [await stripesDeviation(source, 'high'), await stripesDeviation(source, 'low')];
    return high < low * 0.9;
  } finally {
    source.close();
  }
}

/**
 * The size a one-call decode and resize should produce in an engine whose 'high' resize aliases
 * (WebKit): the original halved as often as it stays at least `target`. A whole-number ratio is
 * one its resampler averages (probed above: 2:1 and 4:1 come out even grey); resizeBitmap takes
 * it the last, smaller step.
 */
export function halvingSize(original: Size, target: Size): Size {
  let size = { ...original };
  while (size.width / 2 >= target.width && size.height / 2 >= target.height) size = { width: size.width / 2, height: size.height / 2 };
  return { width: Math.round(size.width), height: Math.round(size.height) };
}

/**
 * Decodes `file` already resized, in one createImageBitmap call, where that is the engine's fast
 * path: WebKit, whose decode into a full-size bitmap costs more than the decode itself (a 12 MP
 * JPEG: about 250 ms against 150 ms decoded straight to half size). `original` is the upright
 * size (header and EXIF). Undefined elsewhere: Chromium and Gecko take their own paths.
 */
export async function decodeResized(file: Blob, original: Size, target: Size): Promise<ImageBitmap | undefined> {
  if (await resizeHighIsSmooth()) return undefined;
  const step = halvingSize(original, target);
  const first = await createImageBitmap(file, {
    imageOrientation: 'from-image',
    resizeWidth: step.width,
    resizeHeight: step.height,
    resizeQuality: 'low',
  });
  if (step.width === target.width && step.height === target.height) return first;
  try {
    return await resizeBitmap(first, target);
  } finally {
    first.close();
  }
}

/**
 * Downscales `bitmap` to `target` with the engine's good resampler (see the module comment).
 * Does not close `bitmap`.
 */
export async function resizeBitmap(bitmap: ImageBitmap, target: Size): Promise<ImageBitmap> {
  if (await resizeHighIsSmooth()) {
    return createImageBitmap(bitmap, { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'high' });
  }
  let current = bitmap;
  while (current.width >= target.width * 2 && current.height >= target.height * 2) {
    const half = await createImageBitmap(current, {
      resizeWidth: Math.round(current.width / 2),
      resizeHeight: Math.round(current.height / 2),
      // At exactly 2:1, bilinear sampling between pixel centres is the 2x2 average.
      resizeQuality: 'medium',
    });
    if (current !== bitmap) current.close();
    current = half;
  }
  const final = await createImageBitmap(current, { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'medium' });
  if (current !== bitmap) current.close();
  return final;
}
