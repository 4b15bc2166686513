import { describe, expect, it } from 'vitest';
import {
  correctedQuality,
  encodeToSize,
  jpegChromaSubsampling,
  MIN_QUALITY,
  qualityForScale,
  quantizerScale,
} from '../../src/worker/jpeg-size.ts';

/**
 * A stand-in encoder: bytes follow libjpeg's quantizer the way real encoders roughly do
 * (bytes ∝ scale^-alpha), and `jump` multiplies the size at and above a quality, as Gecko's
 * encoder does at 0.9 when it stops subsampling chroma.
 */
function fakeEncoder(bytesAt90: number, options: { alpha?: number; jumpAt?: number; jump?: number } = {}) {
  const { alpha = 0.6, jumpAt = 2, jump = 1 } = options;
  const calls: number[] = [];
  const encode = async (quality: number) => {
    calls.push(quality);
    const fullChroma = quality >= jumpAt;
    const bytes = bytesAt90 * (quantizerScale(quality) / quantizerScale(0.9)) ** -alpha * (fullChroma ? jump : 1);
    const file = new Uint8Array(Math.round(bytes));
    file.set(sof(fullChroma ? 0x11 : 0x22));
    return new Blob([file], { type: 'image/jpeg' });
  };
  return { encode, calls };
}

/** SOI and a baseline frame header with three components, luma sampled `luma` (0x22: 4:2:0, 0x11: 4:4:4). */
function sof(luma: number, chroma = 0x11): Uint8Array {
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0, 16, 0, 16, 3, 1, luma, 0, 2, chroma, 1, 3, chroma, 1]);
}

const AIM = { targetBytes: 300_000, maxBytes: 350_000 };

describe('quantizerScale and qualityForScale', () => {
  it('follow libjpeg: 50 -> 100 %, 90 -> 20 %, 25 -> 200 %', () => {
    expect(quantizerScale(0.5)).toBe(100);
    expect(quantizerScale(0.9)).toBe(20);
    expect(quantizerScale(0.25)).toBe(200);
  });

  it('invert each other on whole percents', () => {
    for (const q of [0.3, 0.5, 0.62, 0.85, 0.9, 0.95]) expect(qualityForScale(quantizerScale(q))).toBeCloseTo(q, 5);
  });
});

describe('correctedQuality', () => {
  it('keeps the quality when the file is within the target', () => {
    expect(correctedQuality(0.9, 250_000, 300_000)).toBe(0.9);
  });

  it('lowers it more the further over the target the file is, never below MIN_QUALITY', () => {
    const slightly = correctedQuality(0.9, 330_000, 300_000);
    const far = correctedQuality(0.9, 600_000, 300_000);
    expect(slightly).toBeLessThan(0.9);
    expect(far).toBeLessThan(slightly);
    expect(correctedQuality(0.9, 50_000_000, 300_000)).toBe(MIN_QUALITY);
  });
});

describe('encodeToSize', () => {
  it('encodes once when the first file is within the target', async () => {
    const { encode, calls } = fakeEncoder(220_000);
    const jpeg = await encodeToSize(encode, 0.9, AIM);
    expect(calls).toEqual([0.9]);
    expect(jpeg).toMatchObject({ quality: 0.9, encodes: 1 });
    expect(jpeg.blob.size).toBe(220_000);
  });

  it('re-encodes once at a corrected quality when over the target, and lands under it', async () => {
    for (const [bytesAt90, alpha] of [
      [400_000, 0.6],
      [540_000, 0.6],
      [400_000, 0.5],
      [400_000, 0.7],
    ] as const) {
      const { encode, calls } = fakeEncoder(bytesAt90, { alpha });
      const jpeg = await encodeToSize(encode, 0.9, AIM);
      expect(calls.length, `${bytesAt90} B at alpha ${alpha}`).toBe(2);
      expect(jpeg.blob.size).toBeLessThanOrEqual(AIM.maxBytes);
      // Aimed, not crushed: no smaller than half the target.
      expect(jpeg.blob.size).toBeGreaterThan(AIM.targetBytes / 2);
      expect(jpeg.quality).toBe(calls[1]);
    }
  });

  it("brings Gecko's 4:4:4 file at 0.9 (1.4x) to 4:2:0 just below 0.9, not as far down as its size alone says", async () => {
    const { encode, calls } = fakeEncoder(270_000, { jumpAt: 0.9, jump: 1.4 });
    const jpeg = await encodeToSize(encode, 0.9, AIM);
    expect(calls).toEqual([0.9, 0.89]);
    expect(jpeg.blob.size).toBeLessThanOrEqual(AIM.targetBytes);
    expect(jpeg.blob.size).toBeGreaterThan(250_000);
    // Read as 4:2:0 it would have been cut further.
    expect(correctedQuality(0.9, 378_000, AIM.targetBytes)).toBeLessThan(0.88);
    expect(correctedQuality(0.9, 378_000, AIM.targetBytes, true)).toBe(0.89);
  });

  it('corrects once more, from the second file, when that is still over the budget (a photo of noise)', async () => {
    // A flatter curve than the model's: the first correction falls short.
    const { encode, calls } = fakeEncoder(700_000, { alpha: 0.2 });
    const jpeg = await encodeToSize(encode, 0.9, AIM);
    expect(calls.length).toBe(3);
    expect(calls[2]).toBeLessThan(calls[1]!);
    expect(calls[2]).toBeGreaterThanOrEqual(MIN_QUALITY);
    expect(jpeg.quality).toBe(calls[2]);
    expect(jpeg.blob.size).toBeLessThan((await encode(calls[1]!)).size);
  });

  it('stops at the second encode when the correction already went to MIN_QUALITY', async () => {
    const { encode, calls } = fakeEncoder(3_000_000, { alpha: 0.3 });
    const jpeg = await encodeToSize(encode, 0.9, AIM);
    expect(calls).toEqual([0.9, MIN_QUALITY]);
    expect(jpeg).toMatchObject({ quality: MIN_QUALITY, encodes: 2 });
  });

  it('keeps the smaller file if an encoder grows at a lower quality', async () => {
    let n = 0;
    const sizes = [400_000, 450_000, 500_000];
    const jpeg = await encodeToSize(async () => new Blob([new Uint8Array(sizes[n++]!)]), 0.9, AIM);
    expect(jpeg.blob.size).toBe(400_000);
    expect(jpeg.quality).toBe(0.9);
  });
});

describe('jpegChromaSubsampling', () => {
  it('reads 4:2:0 (Chromium, WebKit, Gecko below 0.9) and 4:4:4 (Gecko at 0.9 and above)', () => {
    expect(jpegChromaSubsampling(sof(0x22))).toBe('4:2:0');
    expect(jpegChromaSubsampling(sof(0x11))).toBe('4:4:4');
    expect(jpegChromaSubsampling(sof(0x21))).toBe('4:2:2');
  });

  it('walks past the segments before the frame header, and gives up on what is not a JPEG', () => {
    const app0 = [0xff, 0xe0, 0, 4, 0, 0];
    const withApp0 = Uint8Array.from([0xff, 0xd8, ...app0, ...sof(0x22).subarray(2)]);
    expect(jpegChromaSubsampling(withApp0)).toBe('4:2:0');
    expect(jpegChromaSubsampling(new TextEncoder().encode('not a jpeg'))).toBe(undefined);
  });
});
