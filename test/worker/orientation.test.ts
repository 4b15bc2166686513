import { describe, expect, it } from 'vitest';
import { jpegOrientation, orientedSize, swapsAxes, tiffOrientation } from '../../src/worker/orientation.ts';
import { exifSegment } from './images.ts';

const concat = (...parts: (number[] | string | Uint8Array)[]): Uint8Array => {
  const arrays = parts.map((part) =>
    typeof part === 'string' ? new TextEncoder().encode(part) : part instanceof Uint8Array ? part : Uint8Array.from(part),
  );
  const out = new Uint8Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};

const segment = (marker: number, payload: Uint8Array | string): Uint8Array => {
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return concat([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff], body);
};

const SOI = [0xff, 0xd8];
const app0 = segment(0xe0, 'JFIF\0\x01\x01\0\0\x01\0\x01\0\0');
const xmp = segment(0xe1, 'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>');
const sos = segment(0xda, Uint8Array.from([1, 1, 0, 0, 63, 0]));

/**
 * A big-endian ('MM') TIFF whose IFD0 starts at `ifdOffset` (cameras do not always put it at 8)
 * and holds an ImageWidth entry before Orientation, so the reader has to walk the entries.
 */
function bigEndianTiff(orientation: number, ifdOffset = 8, type = 3, count = 1): Uint8Array {
  const out = new Uint8Array(ifdOffset + 2 + 2 * 12 + 4);
  const view = new DataView(out.buffer);
  out.set([0x4d, 0x4d, 0x00, 0x2a]);
  view.setUint32(4, ifdOffset);
  view.setUint16(ifdOffset, 2);
  const first = ifdOffset + 2;
  view.setUint16(first, 0x0100); // ImageWidth
  view.setUint16(first + 2, 3);
  view.setUint32(first + 4, 1);
  view.setUint16(first + 8, 4000);
  const second = first + 12;
  view.setUint16(second, 0x0112);
  view.setUint16(second + 2, type);
  view.setUint32(second + 4, count);
  view.setUint16(second + 8, orientation);
  return out;
}

const exifApp1 = (tiff: Uint8Array) => segment(0xe1, concat('Exif\0\0', tiff));

describe('jpegOrientation', () => {
  it('reads every orientation from a camera-style little-endian Exif segment (Make, Orientation, GPS)', () => {
    for (let o = 1; o <= 8; o++) expect(jpegOrientation(concat(SOI, exifSegment(o), sos))).toBe(o);
  });

  it('reads a big-endian TIFF whose IFD0 is not at offset 8, after JFIF and XMP segments', () => {
    expect(jpegOrientation(concat(SOI, app0, xmp, exifApp1(bigEndianTiff(6, 26)), sos))).toBe(6);
    expect(jpegOrientation(concat(SOI, exifApp1(bigEndianTiff(8)), sos))).toBe(8);
  });

  it('says nothing for a JPEG without Exif, or with Exif that has no orientation tag', () => {
    expect(jpegOrientation(concat(SOI, app0, xmp, sos))).toBeUndefined();
    const noTag = bigEndianTiff(6);
    noTag[8 + 2 + 12 + 1] = 0x13; // the Orientation entry becomes tag 0x0113
    expect(jpegOrientation(concat(SOI, exifApp1(noTag), sos))).toBeUndefined();
  });

  it('refuses values a camera cannot mean: out of range, wrong field type or count', () => {
    for (const bad of [0, 9, 255]) expect(jpegOrientation(concat(SOI, exifApp1(bigEndianTiff(bad)), sos))).toBeUndefined();
    expect(jpegOrientation(concat(SOI, exifApp1(bigEndianTiff(6, 8, 4)), sos))).toBeUndefined();
    expect(jpegOrientation(concat(SOI, exifApp1(bigEndianTiff(6, 8, 3, 2)), sos))).toBeUndefined();
  });

  it('stops at the first scan: an Exif-looking segment after image data is not metadata', () => {
    expect(jpegOrientation(concat(SOI, app0, sos, [0x12, 0x34], exifApp1(bigEndianTiff(6))))).toBeUndefined();
  });

  it('survives truncated and hostile headers without throwing', () => {
    const whole = concat(SOI, app0, exifApp1(bigEndianTiff(6)), sos);
    for (let cut = 0; cut < whole.length; cut++) expect(() => jpegOrientation(whole.subarray(0, cut))).not.toThrow();
    // Cut inside the IFD: the entry is not all there, so no answer rather than a guess.
    expect(jpegOrientation(whole.subarray(0, 2 + app0.length + 4 + 6 + 8 + 2 + 12 + 6))).toBeUndefined();
    const pastEnd = bigEndianTiff(6);
    new DataView(pastEnd.buffer).setUint32(4, 0xfffffff0);
    expect(jpegOrientation(concat(SOI, exifApp1(pastEnd), sos))).toBeUndefined();
    expect(jpegOrientation(concat([0x89], 'PNG'))).toBeUndefined();
    expect(jpegOrientation(concat(SOI, [0xff, 0xe1, 0x00, 0x01]))).toBeUndefined();
  });
});

describe('tiffOrientation', () => {
  it('needs a real TIFF header', () => {
    expect(tiffOrientation(bigEndianTiff(3))).toBe(3);
    const wrongMagic = bigEndianTiff(3);
    wrongMagic[3] = 0x2b;
    expect(tiffOrientation(wrongMagic)).toBeUndefined();
    const wrongOrder = bigEndianTiff(3);
    wrongOrder[0] = wrongOrder[1] = 0x58;
    expect(tiffOrientation(wrongOrder)).toBeUndefined();
  });
});

describe('orientedSize', () => {
  it('swaps width and height for orientations 5 to 8 only', () => {
    const stored = { width: 4000, height: 3000 };
    for (const o of [undefined, 1, 2, 3, 4] as const) {
      expect(swapsAxes(o)).toBe(false);
      expect(orientedSize(stored, o)).toEqual(stored);
    }
    for (const o of [5, 6, 7, 8] as const) {
      expect(swapsAxes(o)).toBe(true);
      expect(orientedSize(stored, o)).toEqual({ width: 3000, height: 4000 });
    }
  });
});
