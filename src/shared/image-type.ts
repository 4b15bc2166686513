/**
 * What image a file is, from its first bytes: the one sniffer both the worker (which decodes the
 * shopper's photo, and must tell an undecodable HEIC from a JPEG) and the endpoint (which never
 * trusts a Content-Type) use.
 */

/** What the first bytes of a file say it is, whatever its name or MIME type claims. */
export type SniffedType = 'jpeg' | 'png' | 'webp' | 'gif' | 'heic' | 'avif' | 'unknown';

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let out = '';
  for (let i = start; i < start + length && i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

// Major brands of HEIF files carrying HEVC images, which only some browsers (Safari) decode.
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'heif', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

function sniffIsoBmff(bytes: Uint8Array): 'heic' | 'avif' | undefined {
  if (bytes.length < 12 || ascii(bytes, 4, 4) !== 'ftyp') return undefined;
  const major = ascii(bytes, 8, 4);
  if (AVIF_BRANDS.has(major)) return 'avif';
  if (!HEIC_BRANDS.has(major)) return undefined;
  // AVIF files may name the generic HEIF brand 'mif1' as major brand and 'avif' only among the
  // compatible ones; those decode fine in Chromium, so they must not be reported as HEIC.
  const boxSize = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const end = Math.min(boxSize, bytes.length);
  for (let offset = 16; offset + 4 <= end; offset += 4) {
    if (AVIF_BRANDS.has(ascii(bytes, offset, 4))) return major === 'mif1' || major === 'msf1' ? 'avif' : 'heic';
  }
  return 'heic';
}

/** Identifies the image format from magic bytes; 32 leading bytes are plenty. */
export function sniffImageType(bytes: Uint8Array): SniffedType {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG' && bytes[4] === 0x0d && bytes[5] === 0x0a) {
    return 'png';
  }
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return 'gif';
  return sniffIsoBmff(bytes) ?? 'unknown';
}
