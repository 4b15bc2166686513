/**
 * Aiming the upload at a size, not at one `quality` number. Engines turn the same quality into
 * very different files: Gecko stops subsampling chroma at quality 0.9 and above (4:4:4, about 1.4x
 * the bytes of the 4:2:0 file Chromium and WebKit write), and a softer or sharper resize changes
 * the size again. So the worker encodes at the asked quality, measures, and when the file is over
 * the target re-encodes once at a quality corrected from the measurement. Pure (the encoder is
 * passed in), so vitest runs it in Node.
 */

/** Where the upload should land, in bytes. */
export interface SizeAim {
  /** Over this, the JPEG is re-encoded once at a corrected (lower) quality. */
  targetBytes: number;
  /** The upload budget: over this even after the correction, one more corrected encode. */
  maxBytes: number;
}

/** The lowest quality a correction goes to: below it JPEG blocks show on skin and fabric. */
export const MIN_QUALITY = 0.5;

/**
 * libjpeg's quality scaling (jcparam.c), which Chromium, Gecko and WebKit all feed their quality
 * through: the factor, in percent, applied to the standard quantization tables.
 */
export function quantizerScale(quality: number): number {
  const q = Math.min(100, Math.max(1, Math.round(quality * 100)));
  return Math.max(1, q < 50 ? 5000 / q : 200 - 2 * q);
}

/** The quality (0–1) whose quantizer scale is `scale`: the inverse of {@link quantizerScale}. */
export function qualityForScale(scale: number): number {
  const q = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
  return Math.min(1, Math.max(0.01, Math.floor(q) / 100));
}

/**
 * How file size follows the quantizer: bytes ≈ k · scale^-ALPHA. Measured on the bench scene at
 * 1152x1536 in Chromium from quality 0.6 to 0.95 (0.50 to 0.63 between neighbouring points);
 * the smaller end is used so a correction errs on the small side.
 */
const ALPHA = 0.55;

/**
 * How much larger a 4:4:4 file is than the 4:2:0 one at about the same quality: Gecko's encoder
 * at 0.9 (4:4:4) against 0.89 (4:2:0) on the bench scene, 1.37x, less the step in quality.
 */
export const CHROMA_FACTOR = 1.33;

/**
 * The quality expected to bring a file of `bytes` at `quality` down to `targetBytes`; never
 * above `quality` less 0.01 and never below MIN_QUALITY. `fullChroma`: the file was written
 * without chroma subsampling (4:4:4), which an encoder like Gecko's does only at high qualities:
 * the lower quality brings 4:2:0 and CHROMA_FACTOR fewer bytes by itself, so it is counted first.
 */
export function correctedQuality(quality: number, bytes: number, targetBytes: number, fullChroma = false): number {
  if (bytes <= targetBytes) return quality;
  const expected = fullChroma ? bytes / CHROMA_FACTOR : bytes;
  const scale = quantizerScale(quality) * Math.max(1, expected / targetBytes) ** (1 / ALPHA);
  return Math.max(MIN_QUALITY, Math.min(quality - 0.01, qualityForScale(scale)));
}

/** The encoded upload and how it was reached. */
export interface AimedJpeg {
  blob: Blob;
  /** The quality of the encode that was kept. */
  quality: number;
  /** Encodes made: 1 when the first was within the target. */
  encodes: number;
}

/**
 * Encodes with `encode` at `quality`; over `aim.targetBytes`, once more at the corrected quality;
 * still over `aim.maxBytes` (a photo of pure noise), once more at MIN_QUALITY. Keeps the smallest.
 */
export async function encodeToSize(encode: (quality: number) => Promise<Blob>, quality: number, aim: SizeAim): Promise<AimedJpeg> {
  let best: AimedJpeg = { blob: await encode(quality), quality, encodes: 1 };
  if (best.blob.size <= aim.targetBytes) return best;
  // The frame header sits in the first few hundred bytes of a canvas-written JPEG.
  const head = new Uint8Array(await best.blob.slice(0, 4096).arrayBuffer());
  const corrected = correctedQuality(quality, best.blob.size, aim.targetBytes, jpegChromaSubsampling(head) === '4:4:4');
  const second = await encode(corrected);
  best = second.size < best.blob.size ? { blob: second, quality: corrected, encodes: 2 } : { ...best, encodes: 2 };
  if (best.blob.size <= aim.maxBytes || best.quality <= MIN_QUALITY) return best;
  // The curve was flatter than the model's: corrected again from the second file, toward the target.
  const again = correctedQuality(best.quality, best.blob.size, aim.targetBytes);
  const last = await encode(again);
  return last.size < best.blob.size ? { blob: last, quality: again, encodes: 3 } : { ...best, encodes: 3 };
}

/**
 * The chroma subsampling a baseline or progressive JPEG declares in its frame header: '4:2:0'
 * when chroma is stored at half size both ways, '4:4:4' when at full size. Tests and the bench
 * use it to show what each engine's encoder wrote.
 */
export function jpegChromaSubsampling(bytes: Uint8Array): '4:2:0' | '4:2:2' | '4:4:4' | 'grey' | 'other' | undefined {
  let pos = 2;
  while (pos + 4 <= bytes.length && bytes[pos] === 0xff) {
    const marker = bytes[pos + 1]!;
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    // SOF0-SOF2: precision, height, width, component count, then (id, sampling, table) per component.
    if (marker >= 0xc0 && marker <= 0xc2) {
      const components = bytes[pos + 9];
      if (components === 1) return 'grey';
      if (components !== 3) return 'other';
      const luma = bytes[pos + 11]!;
      const [h, v] = [luma >> 4, luma & 0x0f];
      const chromaFull = [1, 2].every((i) => bytes[pos + 11 + i * 3] === 0x11);
      if (!chromaFull) return 'other';
      if (h === 1 && v === 1) return '4:4:4';
      if (h === 2 && v === 2) return '4:2:0';
      if (h === 2 && v === 1) return '4:2:2';
      return 'other';
    }
    if (marker === 0xda || length < 2) return undefined;
    pos += 2 + length;
  }
  return undefined;
}
