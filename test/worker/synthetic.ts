/**
 * Synthetic photos for the on-device checks, made in plain TypeScript so vitest needs no canvas:
 * a person-like figure (head, striped top, trousers) in front of a plain wall, with camera-like
 * noise, and a separable Gaussian blur to make the same scene out of focus.
 */
import type { Pixels } from '../../src/worker/checks.ts';

export interface SceneOptions {
  /** Multiplies every colour (0.2 = a dim room, 1 = good light). */
  light?: number;
  /** Added to every channel after lighting (a blown-out exposure is e.g. +120). */
  lift?: number;
  /** Standard deviation of per-pixel noise, 0–255 scale. */
  noise?: number;
  seed?: number;
}

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A standing figure on a plain wall, `width` x `height` px. */
export function scene(width: number, height: number, options: SceneOptions = {}): Pixels {
  const { light = 1, lift = 0, noise = 3, seed = 7 } = options;
  const random = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  const cx = width / 2;
  const unit = Math.min(width, height * 0.6);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let rgb: [number, number, number] = [205, 198, 186]; // wall
      const v = y / height;
      const dx = (x - cx) / unit;
      if (v > 0.92) rgb = [150, 130, 110]; // floor
      const headDy = (y - height * 0.14) / unit;
      if (dx * dx + headDy * headDy < 0.11 * 0.11) rgb = [222, 180, 150];
      else if (v > 0.26 && v < 0.56 && Math.abs(dx) < 0.26) rgb = Math.floor(y / 9) % 2 ? [60, 80, 140] : [235, 235, 240];
      else if (v >= 0.56 && v < 0.95 && Math.abs(dx) < 0.2 && Math.abs(dx) > 0.015) rgb = [48, 52, 62];
      const n = noise ? (random() + random() + random() - 1.5) * noise * 2 : 0;
      const i = (y * width + x) * 4;
      data[i] = rgb[0] * light + lift + n;
      data[i + 1] = rgb[1] * light + lift + n;
      data[i + 2] = rgb[2] * light + lift + n;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

/** A flat single colour (a photo of nothing: a lens cap, a blank wall). */
export function flat(width: number, height: number, value: number): Pixels {
  const data = new Uint8ClampedArray(width * height * 4).fill(value);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width, height };
}

/** Separable Gaussian blur of radius 3σ with clamped borders. */
export function gaussianBlur(pixels: Pixels, sigma: number): Pixels {
  const { width, height } = pixels;
  const radius = Math.ceil(sigma * 3);
  const kernel: number[] = [];
  let total = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp(-(k * k) / (2 * sigma * sigma));
    kernel.push(w);
    total += w;
  }
  const weights = kernel.map((w) => w / total);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          let acc = 0;
          for (let k = -radius; k <= radius; k++) {
            const sx = horizontal ? Math.min(width - 1, Math.max(0, x + k)) : x;
            const sy = horizontal ? y : Math.min(height - 1, Math.max(0, y + k));
            acc += src[(sy * width + sx) * 4 + c]! * weights[k + radius]!;
          }
          out[(y * width + x) * 4 + c] = acc;
        }
        out[(y * width + x) * 4 + 3] = 255;
      }
    }
    return out;
  };
  const blurred = pass(pass(Float32Array.from(pixels.data), true), false);
  return { data: Uint8ClampedArray.from(blurred), width, height };
}
