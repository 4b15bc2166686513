/**
 * Real, decodable photo bytes for the endpoint tests, built here so no binary fixture is needed.
 * (Each was checked to decode in Chromium when written.)
 */
import { makePng } from '../fakes/common.ts';

export { makePng };

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];

/**
 * A baseline JPEG of mid-grey (width×height, multiples of 8 work best): every block has DC
 * difference 0 and ends at once, so one-symbol Huffman tables suffice and each block is two bits.
 */
export function makeJpeg(width: number, height: number): Uint8Array {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits = '00'.repeat(blocks);
  const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, '1');
  const scan: number[] = [];
  for (let i = 0; i < padded.length; i += 8) {
    const byte = parseInt(padded.slice(i, i + 8), 2);
    scan.push(byte);
    if (byte === 0xff) scan.push(0x00);
  }
  return new Uint8Array([
    0xff,
    0xd8, // SOI
    0xff,
    0xdb,
    ...u16(67),
    0x00,
    ...new Array(64).fill(1), // DQT, table 0, all ones
    0xff,
    0xc0,
    ...u16(11),
    8,
    ...u16(height),
    ...u16(width),
    1,
    1,
    0x11,
    0, // SOF0, 1 component
    0xff,
    0xc4,
    ...u16(20),
    0x00,
    1,
    ...new Array(15).fill(0),
    0x00, // DHT DC0: one code for category 0
    0xff,
    0xc4,
    ...u16(20),
    0x10,
    1,
    ...new Array(15).fill(0),
    0x00, // DHT AC0: one code for EOB
    0xff,
    0xda,
    ...u16(8),
    1,
    1,
    0x00,
    0,
    63,
    0, // SOS
    ...scan,
    0xff,
    0xd9, // EOI
  ]);
}

const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** A 1×1 lossless WebP (VP8L). */
export const webpLossless = fromB64('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==');
/** A 1×1 lossy WebP (VP8). */
export const webpLossy = fromB64('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA');

/** A PNG whose header declares width×height but whose data is tiny (a decompression-bomb shape). */
export function pngDeclaring(width: number, height: number): Uint8Array {
  const png = Buffer.from(makePng(1, 1, () => [0, 0, 0]));
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return new Uint8Array(png);
}

/** A small portrait PNG "shopper" photo. */
export const photoPng = new Uint8Array(makePng(60, 90, (x, y) => [30 + x, 60 + y, 120]));
/** A small garment PNG (red). */
export const garmentPng = new Uint8Array(makePng(20, 24, () => [200, 20, 30]));
