import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { imageSize as fullImageSize } from 'image-size';
import { imageSize } from '../../src/worker/image-size.ts';

const u16be = (n: number) => [n >> 8, n & 255];
const u16le = (n: number) => [n & 255, n >> 8];
const u24le = (n: number) => [n & 255, (n >> 8) & 255, n >> 16];
const u32le = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat());
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** Headers of each photo format, with the size they declare. */
const HEADERS: [string, Uint8Array, number, number][] = [
  [
    'jpeg',
    bytes(
      [0xff, 0xd8, 0xff, 0xe0],
      u16be(16),
      new Array(14).fill(0),
      [0xff, 0xc0],
      u16be(17),
      [8],
      u16be(3024),
      u16be(4032),
      new Array(12).fill(0),
    ),
    4032,
    3024,
  ],
  ['png', new Uint8Array(readFileSync(new URL('../element/fixtures/shopper.png', import.meta.url))), 0, 0],
  ['webp', bytes(ascii('RIFF'), u32le(30), ascii('WEBPVP8X'), u32le(10), [0, 0, 0, 0], u24le(1199), u24le(1599)), 1200, 1600],
  ['gif', bytes(ascii('GIF89a'), u16le(640), u16le(480), new Array(8).fill(0)), 640, 480],
  ['bmp', bytes(ascii('BM'), new Array(16).fill(0), u32le(800), u32le(600), new Array(8).fill(0)), 800, 600],
  ['top-down bmp', bytes(ascii('BM'), new Array(16).fill(0), u32le(800), u32le(-600 >>> 0), new Array(8).fill(0)), 800, 600],
  ['lossy webp (VP8)', fixture('quadrants-1800x2400.webp'), 1800, 2400],
  [
    'lossless webp (VP8L)',
    bytes(
      ascii('RIFF'),
      u32le(26),
      ascii('WEBPVP8L'),
      u32le(14),
      [0x2f],
      u32le(((1023 - 1) | ((767 - 1) << 14)) >>> 0),
      new Array(8).fill(0),
    ),
    1023,
    767,
  ],
  ['heic (HEVC, heif-enc)', fixture('quadrants-1200x1600.heic'), 1200, 1600],
];

describe('the worker’s image-size (photo formats only)', () => {
  it.each(HEADERS)('reads a %s header as the full image-size does', (_name, header, width, height) => {
    const full = fullImageSize(header);
    const lite = imageSize(header);
    expect({ width: lite.width, height: lite.height }).toEqual({ width: full.width, height: full.height });
    if (width) expect({ width: lite.width, height: lite.height }).toEqual({ width, height });
  });

  it('walks fill bytes and standalone markers to a progressive frame header, as a decoder does', () => {
    const header = bytes([0xff, 0xd8, 0xff, 0xff, 0xd0, 0xff, 0xc2], u16be(17), [8], u16be(600), u16be(800), new Array(12).fill(0));
    expect(imageSize(header)).toEqual({ width: 800, height: 600 });
  });

  it('refuses formats no browser decodes as a photo, which the full package would parse', () => {
    const psd = bytes(ascii('8BPS'), new Array(10).fill(0), [0, 0, 1, 0, 0, 0, 2, 0], new Array(8).fill(0));
    expect(fullImageSize(psd).width).toBeGreaterThan(0);
    expect(() => imageSize(psd)).toThrow(TypeError);
    expect(() => imageSize(bytes(ascii('hello world, not an image')))).toThrow(TypeError);
  });
});
