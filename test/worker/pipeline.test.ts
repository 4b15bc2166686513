import { describe, expect, it } from 'vitest';
import {
  containsAscii,
  endsWithJpegEoi,
  hasExifSegment,
  isJpegComplete,
  jpegScaledDecodeSize,
  sniffImageType,
  targetSize,
} from '../../src/worker/pipeline.ts';

const bytes = (...parts: (number[] | string | Uint8Array)[]): Uint8Array => {
  const arrays = parts.map((part) =>
    typeof part === 'string' ? new TextEncoder().encode(part) : part instanceof Uint8Array ? part : Uint8Array.from(part),
  );
  const out = new Uint8Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
};

/** A marker segment with its big-endian length field (which counts itself). */
const segment = (marker: number, payload: Uint8Array | string): Uint8Array => {
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const length = body.length + 2;
  return bytes([0xff, marker, length >> 8, length & 0xff], body);
};

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const app0 = segment(0xe0, 'JFIF\0\x01\x01\0\0\x01\0\x01\0\0');
const exifApp1 = segment(0xe1, bytes('Exif\0\0', [0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0, 0, 0]));
const xmpApp1 = segment(0xe1, 'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>');
const dqt = segment(0xdb, new Uint8Array(65));
const sof = segment(0xc0, Uint8Array.from([8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
const sos = segment(0xda, Uint8Array.from([1, 1, 0, 0, 63, 0]));
// Entropy data containing a stuffed FF00, a restart marker and fill bytes, none of which end the scan.
const scan = Uint8Array.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0x00, 0xff, 0xd1, 0x78, 0x9a]);

const baseline = bytes(SOI, app0, dqt, sof, sos, scan, EOI);

describe('targetSize', () => {
  it('scales the long edge of a landscape photo to the limit and keeps the aspect ratio', () => {
    expect(targetSize({ width: 4000, height: 3000 }, 1536)).toEqual({ width: 1536, height: 1152 });
  });

  it('scales a portrait photo by its height', () => {
    expect(targetSize({ width: 3000, height: 4000 }, 1536)).toEqual({ width: 1152, height: 1536 });
  });

  it('rounds the short edge to the nearest pixel', () => {
    // 1536 * 3024 / 4032 = 1152 exactly; 1536 * 1000 / 3001 = 511.83 -> 512.
    expect(targetSize({ width: 4032, height: 3024 }, 1536)).toEqual({ width: 1536, height: 1152 });
    expect(targetSize({ width: 3001, height: 1000 }, 1536)).toEqual({ width: 1536, height: 512 });
  });

  it('never upscales a small photo', () => {
    expect(targetSize({ width: 300, height: 200 }, 1536)).toEqual({ width: 300, height: 200 });
    expect(targetSize({ width: 1536, height: 1536 }, 1536)).toEqual({ width: 1536, height: 1536 });
  });

  it('keeps at least one pixel on the short edge of an extreme panorama', () => {
    expect(targetSize({ width: 20000, height: 3 }, 1536)).toEqual({ width: 1536, height: 1 });
  });

  it('refuses impossible sizes with a clear error', () => {
    expect(() => targetSize({ width: 0, height: 10 }, 1536)).toThrow(/positive/);
    expect(() => targetSize({ width: 10, height: 10 }, 0)).toThrow(/maxLongEdge/);
  });
});

describe('sniffImageType', () => {
  const ftyp = (major: string, ...compatible: string[]) => {
    const size = 16 + 4 * compatible.length;
    return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], compatible.join(''), 'more data');
  };

  it('recognizes JPEG, PNG, WebP and GIF magic bytes', () => {
    expect(sniffImageType(baseline)).toBe('jpeg');
    expect(sniffImageType(bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13], 'IHDR'))).toBe('png');
    expect(sniffImageType(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
    expect(sniffImageType(bytes('GIF89a', [1, 0, 1, 0]))).toBe('gif');
    expect(sniffImageType(bytes('GIF87a', [1, 0, 1, 0]))).toBe('gif');
  });

  it('tells HEIC/HEIF brands from AVIF', () => {
    for (const brand of ['heic', 'heix', 'mif1', 'heif', 'hevc']) expect(sniffImageType(ftyp(brand, 'mif1', 'heic'))).toBe('heic');
    expect(sniffImageType(ftyp('avif', 'mif1', 'miaf'))).toBe('avif');
    // Some encoders put the generic HEIF brand first and declare AVIF only as compatible.
    expect(sniffImageType(ftyp('mif1', 'avif', 'miaf'))).toBe('avif');
  });

  it('calls anything else unknown, including other ISO-BMFF files and text', () => {
    expect(sniffImageType(ftyp('isom', 'mp41'))).toBe('unknown');
    expect(sniffImageType(new TextEncoder().encode('hello, this is not an image'))).toBe('unknown');
    expect(sniffImageType(new Uint8Array(0))).toBe('unknown');
    expect(sniffImageType(Uint8Array.from([0xff, 0xd8]))).toBe('unknown');
  });
});

describe('isJpegComplete', () => {
  it('accepts a JPEG that ends with EOI', () => {
    expect(isJpegComplete(baseline)).toBe(true);
  });

  it('accepts a JPEG followed by zero padding', () => {
    expect(isJpegComplete(bytes(baseline, new Uint8Array(64)))).toBe(true);
  });

  it('accepts data appended after EOI, as in motion photos, by finding the real EOI', () => {
    const motionPhoto = bytes(baseline, [0, 0, 0, 24], 'ftypmp42', 'video bytes here... no EOI at the end');
    expect(isJpegComplete(motionPhoto)).toBe(true);
  });

  it('accepts a progressive JPEG with several scans', () => {
    const dht = segment(0xc4, new Uint8Array(20));
    expect(isJpegComplete(bytes(SOI, dqt, sof, sos, scan, dht, sos, scan, sos, scan, EOI, 'trailer'))).toBe(true);
  });

  it('rejects a JPEG cut off inside its scan data', () => {
    expect(isJpegComplete(baseline.subarray(0, baseline.length - 4))).toBe(false);
  });

  it('rejects every truncation of a complete JPEG', () => {
    for (let cut = 0; cut < baseline.length - 1; cut++) {
      expect(isJpegComplete(baseline.subarray(0, cut)), `cut at ${cut}`).toBe(false);
    }
  });

  it('does not mistake a stuffed FFD9-lookalike or a restart marker for the end', () => {
    // FF00 D9 is a stuffed byte followed by data; only FF D9 without stuffing ends the image.
    const tricky = bytes(SOI, dqt, sof, sos, [0x11, 0xff, 0x00, 0xd9, 0xff, 0xd7, 0x22]);
    expect(isJpegComplete(tricky)).toBe(false);
  });

  it('rejects bytes that are not a JPEG', () => {
    expect(isJpegComplete(new TextEncoder().encode('not a jpeg at all'))).toBe(false);
  });
});

describe('hasExifSegment', () => {
  it('finds an APP1 Exif segment after JFIF APP0', () => {
    expect(hasExifSegment(bytes(SOI, app0, exifApp1, dqt, sof, sos, scan, EOI))).toBe(true);
  });

  it('finds none in a plain JPEG or one carrying only XMP in APP1', () => {
    expect(hasExifSegment(baseline)).toBe(false);
    expect(hasExifSegment(bytes(SOI, app0, xmpApp1, dqt, sof, sos, scan, EOI))).toBe(false);
  });

  it('ignores Exif-looking bytes inside the scan data', () => {
    expect(hasExifSegment(bytes(SOI, dqt, sof, sos, 'Exif\0\0', [0xff, 0xe1], EOI))).toBe(false);
  });
});

describe('containsAscii', () => {
  it('finds a string anywhere, including at the very end, and not a near miss', () => {
    const data = bytes([0, 1, 2], 'GPSLatitude', [3], 'tail');
    expect(containsAscii(data, 'GPSLatitude')).toBe(true);
    expect(containsAscii(data, 'tail')).toBe(true);
    expect(containsAscii(data, 'GPSLongitude')).toBe(false);
    expect(containsAscii(data, 'tails')).toBe(false);
  });
});

describe('endsWithJpegEoi (the tail-only completeness check)', () => {
  it('accepts a tail ending with EOI, with or without zero padding', () => {
    expect(endsWithJpegEoi(Uint8Array.from([0x12, 0x34, 0xff, 0xd9]))).toBe(true);
    expect(endsWithJpegEoi(Uint8Array.from([0x12, 0xff, 0xd9, 0, 0, 0]))).toBe(true);
  });

  it('leaves a cut-off file, trailing data after EOI and all-zero tails to the full walk', () => {
    expect(endsWithJpegEoi(Uint8Array.from([0x12, 0x34, 0x56, 0x78]))).toBe(false);
    expect(endsWithJpegEoi(bytes([0xff, 0xd9], 'ftypmp42 motion photo'))).toBe(false);
    expect(endsWithJpegEoi(new Uint8Array(4096))).toBe(false);
    expect(endsWithJpegEoi(Uint8Array.from([0xd9]))).toBe(false);
    expect(endsWithJpegEoi(new Uint8Array(0))).toBe(false);
  });

  it('agrees with isJpegComplete wherever it answers true', () => {
    const padded = bytes(baseline, new Uint8Array(100));
    for (const file of [baseline, padded]) {
      expect(endsWithJpegEoi(file)).toBe(true);
      expect(isJpegComplete(file)).toBe(true);
    }
  });
});

describe('jpegScaledDecodeSize', () => {
  it('picks the smallest n/8 scale whose long edge still reaches the target', () => {
    // 1536 / 4000 = 0.384 -> 4/8 (2000 px); 3/8 would give 1500 px and need enlarging.
    expect(jpegScaledDecodeSize({ width: 4000, height: 3000 }, 1536)).toEqual({ width: 2000, height: 1500, eighths: 4 });
    expect(jpegScaledDecodeSize({ width: 3000, height: 4000 }, 1536)).toEqual({ width: 1500, height: 2000, eighths: 4 });
    // 1536 / 6000 = 0.256 -> 3/8 (2250 px).
    expect(jpegScaledDecodeSize({ width: 6000, height: 4000 }, 1536)).toEqual({ width: 2250, height: 1500, eighths: 3 });
    // Exactly half: 4/8 lands on the target itself.
    expect(jpegScaledDecodeSize({ width: 3072, height: 2304 }, 1536)).toEqual({ width: 1536, height: 1152, eighths: 4 });
  });

  it('rounds edges up, so the decoder budget never drops to the scale below', () => {
    const hint = jpegScaledDecodeSize({ width: 4033, height: 3025 }, 1536)!;
    expect(hint.eighths).toBe(4);
    expect(hint.width * 8).toBeGreaterThanOrEqual(4033 * 4);
    expect(hint.height * 8).toBeGreaterThanOrEqual(3025 * 4);
    // What Chromium does with the hint: the largest n with n^2/64 of the area inside the budget.
    const n = Math.floor(Math.sqrt((hint.width * hint.height * 64) / (4033 * 3025)));
    expect(n).toBe(4);
  });

  it('gives no hint when no reduced scale fits: the photo is near or under the target', () => {
    expect(jpegScaledDecodeSize({ width: 1700, height: 1200 }, 1536)).toBeUndefined();
    expect(jpegScaledDecodeSize({ width: 1536, height: 1024 }, 1536)).toBeUndefined();
    expect(jpegScaledDecodeSize({ width: 800, height: 600 }, 1536)).toBeUndefined();
    // 1760 px: 7/8 is 1540 px, still above the target, so it is worth it.
    expect(jpegScaledDecodeSize({ width: 1760, height: 1320 }, 1536)?.eighths).toBe(7);
  });
});
