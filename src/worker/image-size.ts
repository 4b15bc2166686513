/**
 * The declared size of a photo file, from its header: JPEG, PNG, WebP, HEIF/AVIF, GIF and BMP,
 * the formats a browser decodes as a photo. Header parsing only, as the image-size package does
 * (test/worker/image-size.test.ts holds the two to the same answers); a format outside this list
 * is left to the decoder. Written here rather than taken from image-size because the worker ships
 * to every shopper: these readers are a quarter of that package's photo parsers.
 */
import { sniffImageType, type Size } from './pipeline.ts';

const text = (b: Uint8Array, at: number, length: number) => String.fromCharCode(...b.subarray(at, at + length));
const be16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const le16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const le24 = (b: Uint8Array, at: number) => le16(b, at) | (b[at + 2]! << 16);
const be32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const le32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** The first frame header (SOF0-SOF15 but DHT, JPG and DAC) of a JPEG, as stored (before EXIF orientation). */
function jpeg(b: Uint8Array): Size | undefined {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++;
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: be16(b, at + 7), height: be16(b, at + 5) };
    } else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
    } else {
      at += 2 + be16(b, at + 2);
    }
  }
  return undefined;
}

function webp(b: Uint8Array): Size | undefined {
  const chunk = text(b, 12, 4);
  if (chunk === 'VP8 ') return { width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
  if (chunk === 'VP8L') return { width: 1 + (le16(b, 21) & 0x3fff), height: 1 + ((le32(b, 21) >> 14) & 0x3fff) };
  if (chunk === 'VP8X') return { width: 1 + le24(b, 24), height: 1 + le24(b, 27) };
  return undefined;
}

/** HEIF/AVIF: the largest image spatial extent ('ispe') declared; a file holds thumbnails and tiles too. */
function heif(b: Uint8Array): Size | undefined {
  let largest: Size | undefined;
  for (let at = b.indexOf(0x69); at >= 0 && at + 16 <= b.length; at = b.indexOf(0x69, at + 1)) {
    if (text(b, at, 4) !== 'ispe') continue;
    const size = { width: be32(b, at + 8), height: be32(b, at + 12) };
    if (!largest || size.width * size.height > largest.width * largest.height) largest = size;
  }
  return largest;
}

// The format is told by the one shared sniffer; only BMP, which no endpoint takes, is told here.
function read(b: Uint8Array): Size | undefined {
  switch (sniffImageType(b)) {
    case 'jpeg':
      return jpeg(b);
    case 'png':
      return text(b, 12, 4) === 'IHDR' ? { width: be32(b, 16), height: be32(b, 20) } : undefined;
    case 'webp':
      return webp(b);
    case 'heic':
    case 'avif':
      return heif(b);
    case 'gif':
      return { width: le16(b, 6), height: le16(b, 8) };
    default:
      return text(b, 0, 2) === 'BM' ? { width: le32(b, 18), height: Math.abs(le32(b, 22) | 0) } : undefined;
  }
}

/** The declared size of a JPEG, PNG, WebP, HEIF/AVIF, GIF or BMP; throws a TypeError for anything else, as image-size does. */
export function imageSize(input: Uint8Array): Size {
  const size = input.length >= 16 ? read(input) : undefined;
  if (!size) throw new TypeError('unsupported file type');
  return size;
}
