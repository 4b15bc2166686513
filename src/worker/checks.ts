/**
 * On-device photo checks: pure functions over RGBA pixels, so vitest runs them in Node on
 * synthetic images and the worker runs them on a small copy of the photo before any upload.
 * A check never refuses a photo; it names a likely problem so the widget can suggest a fix.
 */
import type { Size } from './pipeline.ts';

/** A likely problem with the shopper's photo. */
export type PhotoCheckCode = 'too_small' | 'too_dark' | 'too_bright' | 'blurry' | 'landscape';

/** One failed check: what was measured and the limit it crossed (for logs and tests). */
export interface PhotoCheck {
  code: PhotoCheckCode;
  value: number;
  threshold: number;
}

/** RGBA pixels, 4 bytes per pixel, rows top to bottom (ImageData's layout). */
export interface Pixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/**
 * Limits of the checks. The brightness limits are on 0–255 luma. The blur limit is on the
 * variance of the Laplacian at edge pixels of a grey copy whose long edge is `analysisEdge`,
 * chosen from measurements of test/worker/synthetic.ts scenes (figure on a wall, 480x640 and
 * 360x640, noise 0–8) in test/worker/checks.test.ts: sharp ≈ 20000 (3300 with heavy noise),
 * a slight softness (Gaussian σ = 0.7 px) ≈ 1850, σ = 1 ≈ 630, σ = 1.5 ≈ 140, σ = 2 ≈ 50,
 * σ = 3 ≈ 15. 250 sits between σ = 1 (a photo that still works) and σ = 1.5 (visibly soft:
 * about 3.5 px of blur on the 1536 px upload).
 */
export const CHECK_LIMITS = {
  /** Short edge of the original photo below which the try-on model has too little to work with. */
  minShortEdge: 512,
  /** Mean luma under this reads as too dark… */
  darkMean: 60,
  /** …as does this share of pixels crushed to near black (luma ≤ 16). */
  darkClippedShare: 0.5,
  /** Mean luma over this reads as too bright… */
  brightMean: 225,
  /** …as does this share of pixels blown out to near white (luma ≥ 250). */
  brightClippedShare: 0.35,
  /** Edge sharpness (Laplacian variance at edge pixels) below this reads as blurry. */
  blurVariance: 250,
  /** A pixel counts as an edge when its gradient magnitude (central differences) reaches this. */
  edgeGradient: 8,
  /** Fewer edge pixels than this share of the image: too little structure to judge sharpness. */
  minEdgeShare: 0.002,
  /** Long edge of the grey copy the blur check runs on, in px. */
  analysisEdge: 640,
  /** Width over height above which a photo counts as landscape. */
  landscapeRatio: 1.1,
} as const;

/** Rec. 709 luma of every pixel, 0–255. */
export function toGrey(pixels: Pixels): Float32Array {
  const { data, width, height } = pixels;
  const grey = new Float32Array(width * height);
  for (let i = 0, p = 0; i < grey.length; i++, p += 4) {
    grey[i] = 0.2126 * data[p]! + 0.7152 * data[p + 1]! + 0.0722 * data[p + 2]!;
  }
  return grey;
}

/** Mean luma and the shares of crushed (≤ 16) and blown-out (≥ 250) pixels. */
export function exposureStats(grey: Float32Array): { mean: number; darkShare: number; brightShare: number } {
  let sum = 0;
  let dark = 0;
  let bright = 0;
  for (const value of grey) {
    sum += value;
    if (value <= 16) dark++;
    else if (value >= 250) bright++;
  }
  const n = Math.max(1, grey.length);
  return { mean: sum / n, darkShare: dark / n, brightShare: bright / n };
}

/**
 * Sharpness: the variance of the 4-neighbour Laplacian over edge pixels only. A global
 * variance would call a sharp photo with a large plain wall (what the guidance asks for)
 * blurry, because flat areas add zeros; restricted to edges it measures how steep the edges
 * are, which is what blur takes away. `edgeShare` says how much of the image had edges:
 * too little and the figure means nothing.
 */
export function edgeSharpness(grey: Float32Array, width: number, height: number): { variance: number; edgeShare: number } {
  let count = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const left = grey[i - 1]!;
      const right = grey[i + 1]!;
      const up = grey[i - width]!;
      const down = grey[i + width]!;
      const gx = (right - left) / 2;
      const gy = (down - up) / 2;
      if (gx * gx + gy * gy < CHECK_LIMITS.edgeGradient * CHECK_LIMITS.edgeGradient) continue;
      const laplacian = left + right + up + down - 4 * grey[i]!;
      count++;
      sum += laplacian;
      sumSquares += laplacian * laplacian;
    }
  }
  const interior = Math.max(1, (width - 2) * (height - 2));
  if (count === 0) return { variance: 0, edgeShare: 0 };
  const mean = sum / count;
  return { variance: sumSquares / count - mean * mean, edgeShare: count / interior };
}

/** Options of {@link checkPhoto}. */
export interface CheckOptions {
  /** Size of the photo as the shopper took it (after EXIF rotation), before any downscale. */
  original: Size;
  /** The garment needs the body standing in frame (everything but accessories): a landscape photo is suspect. */
  expectPortrait: boolean;
}

/**
 * Runs every check on `pixels`, a small copy of the photo (long edge about
 * `CHECK_LIMITS.analysisEdge`), and returns those that failed, most important first.
 */
export function checkPhoto(pixels: Pixels, options: CheckOptions): PhotoCheck[] {
  const found: PhotoCheck[] = [];
  const { original } = options;
  const shortEdge = Math.min(original.width, original.height);
  if (shortEdge < CHECK_LIMITS.minShortEdge) found.push({ code: 'too_small', value: shortEdge, threshold: CHECK_LIMITS.minShortEdge });

  const grey = toGrey(pixels);
  const exposure = exposureStats(grey);
  if (exposure.mean < CHECK_LIMITS.darkMean || exposure.darkShare > CHECK_LIMITS.darkClippedShare) {
    found.push({ code: 'too_dark', value: Math.round(exposure.mean), threshold: CHECK_LIMITS.darkMean });
  } else if (exposure.mean > CHECK_LIMITS.brightMean || exposure.brightShare > CHECK_LIMITS.brightClippedShare) {
    found.push({ code: 'too_bright', value: Math.round(exposure.mean), threshold: CHECK_LIMITS.brightMean });
  }

  const sharpness = edgeSharpness(grey, pixels.width, pixels.height);
  // A very dark photo has few edges and its noise is no measure of focus: the light hint comes first.
  if (sharpness.edgeShare >= CHECK_LIMITS.minEdgeShare && sharpness.variance < CHECK_LIMITS.blurVariance) {
    found.push({ code: 'blurry', value: Math.round(sharpness.variance), threshold: CHECK_LIMITS.blurVariance });
  }

  const ratio = original.width / original.height;
  if (options.expectPortrait && ratio > CHECK_LIMITS.landscapeRatio) {
    found.push({ code: 'landscape', value: Math.round(ratio * 100) / 100, threshold: CHECK_LIMITS.landscapeRatio });
  }
  return found;
}

/** The size of the copy the checks run on: long edge `CHECK_LIMITS.analysisEdge`, never upscaled. */
export function analysisSize(size: Size): Size {
  const scale = Math.min(1, CHECK_LIMITS.analysisEdge / Math.max(size.width, size.height));
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}
