/**
 * Quality of a downscaled output against a reference made here, independently of the browser's
 * resamplers: an exact area average (each output pixel is the coverage-weighted mean of the
 * source pixels under it), the textbook high-quality box downscale. Runs in the page, after the
 * timed work, so it never counts against anyone.
 */

/** Planar float RGB, row-major. */
export interface Rgb32 {
  width: number;
  height: number;
  data: Float32Array; // r,g,b interleaved
}

/** Decodes a blob upright (EXIF applied) into RGBA bytes. */
export async function pixelsOf(blob: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  // JPEG has no alpha; composite over white as every pipeline here does.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, bitmap.width, bitmap.height);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

/** Weights of source cells [start, end) covering each destination cell along one axis. */
function coverage(srcLen: number, dstLen: number): { start: Int32Array; weights: Float32Array[] } {
  const scale = srcLen / dstLen;
  const start = new Int32Array(dstLen);
  const weights: Float32Array[] = [];
  for (let d = 0; d < dstLen; d++) {
    const a = d * scale;
    const b = a + scale;
    const first = Math.floor(a);
    const last = Math.min(srcLen, Math.ceil(b));
    const w = new Float32Array(last - first);
    for (let s = first; s < last; s++) w[s - first] = (Math.min(b, s + 1) - Math.max(a, s)) / scale;
    start[d] = first;
    weights.push(w);
  }
  return { start, weights };
}

/** Exact area-average downscale of RGBA bytes to `width`x`height` float RGB. */
export function areaDownscale(src: ImageData, width: number, height: number): Rgb32 {
  const sw = src.width;
  const sh = src.height;
  const h = coverage(sw, width);
  const v = coverage(sh, height);
  // Horizontal pass into a (width x sh) float buffer, then vertical.
  const mid = new Float32Array(width * sh * 3);
  const px = src.data;
  for (let y = 0; y < sh; y++) {
    const row = y * sw * 4;
    for (let x = 0; x < width; x++) {
      const w = h.weights[x]!;
      const s0 = h.start[x]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < w.length; k++) {
        const i = row + (s0 + k) * 4;
        r += px[i]! * w[k]!;
        g += px[i + 1]! * w[k]!;
        b += px[i + 2]! * w[k]!;
      }
      const o = (y * width + x) * 3;
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
    }
  }
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const w = v.weights[y]!;
    const s0 = v.start[y]!;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < w.length; k++) {
        const i = ((s0 + k) * width + x) * 3;
        r += mid[i]! * w[k]!;
        g += mid[i + 1]! * w[k]!;
        b += mid[i + 2]! * w[k]!;
      }
      const o = (y * width + x) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return { width, height, data: out };
}

export interface QualityScore {
  /** PSNR over RGB in dB; higher is closer to the reference. */
  psnr: number;
  /** Mean SSIM of luma over 8x8 windows, 0..1. */
  ssim: number;
}

/**
 * Compares an output with the reference. Outputs whose size differs by a pixel (rounding of the
 * short edge) are compared on the common area; any larger mismatch (e.g. a sideways image) is
 * reported as undefined, not scored.
 */
export function compare(reference: Rgb32, output: ImageData): QualityScore | undefined {
  if (Math.abs(reference.width - output.width) > 1 || Math.abs(reference.height - output.height) > 1) return undefined;
  const w = Math.min(reference.width, output.width);
  const hgt = Math.min(reference.height, output.height);
  let se = 0;
  const ref = reference.data;
  const out = output.data;
  const lumaRef = new Float32Array(w * hgt);
  const lumaOut = new Float32Array(w * hgt);
  for (let y = 0; y < hgt; y++) {
    for (let x = 0; x < w; x++) {
      const r = (y * reference.width + x) * 3;
      const o = (y * output.width + x) * 4;
      const dr = ref[r]! - out[o]!;
      const dg = ref[r + 1]! - out[o + 1]!;
      const db = ref[r + 2]! - out[o + 2]!;
      se += dr * dr + dg * dg + db * db;
      lumaRef[y * w + x] = 0.299 * ref[r]! + 0.587 * ref[r + 1]! + 0.114 * ref[r + 2]!;
      lumaOut[y * w + x] = 0.299 * out[o]! + 0.587 * out[o + 1]! + 0.114 * out[o + 2]!;
    }
  }
  const mse = se / (w * hgt * 3);
  const psnr = mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
  return { psnr, ssim: ssim8(lumaRef, lumaOut, w, hgt) };
}

/** Mean SSIM (Wang et al. constants) over non-overlapping 8x8 windows. */
function ssim8(a: Float32Array, b: Float32Array, w: number, h: number): number {
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let total = 0;
  let windows = 0;
  for (let y0 = 0; y0 + 8 <= h; y0 += 8) {
    for (let x0 = 0; x0 + 8 <= w; x0 += 8) {
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let y = y0; y < y0 + 8; y++) {
        for (let x = x0; x < x0 + 8; x++) {
          const va = a[y * w + x]!;
          const vb = b[y * w + x]!;
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
      }
      const ma = sa / 64;
      const mb = sb / 64;
      const va = saa / 64 - ma * ma;
      const vb = sbb / 64 - mb * mb;
      const cov = sab / 64 - ma * mb;
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      windows++;
    }
  }
  return windows ? total / windows : 1;
}
