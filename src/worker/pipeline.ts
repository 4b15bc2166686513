/**
 * Pure parts of the photo pipeline: byte sniffing, JPEG structure checks and size maths.
 * No DOM, no Worker globals, so vitest runs them in Node and the worker reuses them as-is.
 */

// The sniffer is shared with the endpoint; the worker's modules and tests reach it through here.
export { sniffImageType } from '../shared/image-type.ts';

/** Width and height in whole pixels. */
export interface Size {
  width: number;
  height: number;
}

/**
 * The size to downscale to so the long edge is at most `maxLongEdge`, keeping the aspect ratio.
 * Never upscales: a photo already small enough keeps its size. Each edge is at least 1 px so a
 * panorama (e.g. 20000x10) still yields a drawable canvas.
 */
export function targetSize(source: Size, maxLongEdge: number): Size {
  const { width, height } = source;
  if (!(width > 0 && height > 0)) throw new RangeError(`Image size must be positive, got ${width}x${height}.`);
  if (!(maxLongEdge >= 1)) throw new RangeError(`maxLongEdge must be at least 1, got ${maxLongEdge}.`);
  const longEdge = Math.max(width, height);
  if (longEdge <= maxLongEdge) return { width, height };
  const scale = maxLongEdge / longEdge;
  // The long edge is set exactly rather than computed, so float error cannot make it 1535 or 1537.
  return width >= height
    ? { width: maxLongEdge, height: Math.max(1, Math.round(height * scale)) }
    : { width: Math.max(1, Math.round(width * scale)), height: maxLongEdge };
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let out = '';
  for (let i = start; i < start + length && i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

/**
 * The common case of a complete JPEG: its last bytes are the EOI marker (FFD9), maybe followed
 * by zero padding. Needs only the file's tail, so the worker can answer without reading the
 * whole file; false means "walk the file with isJpegComplete", not "incomplete".
 */
export function endsWithJpegEoi(tail: Uint8Array): boolean {
  let end = tail.length;
  while (end > 2 && tail[end - 1] === 0x00) end--;
  return end >= 2 && tail[end - 2] === 0xff && tail[end - 1] === 0xd9;
}

/**
 * The size hint for a decoder that can decode a JPEG at a reduced scale (n/8 of each edge, as
 * libjpeg does): the smallest such scale whose long edge still reaches `maxLongEdge`, so the
 * final resize only ever shrinks. `stored` is the size in the file (before EXIF orientation).
 * Undefined when no reduced scale fits (the photo is at most about 1.14x the target).
 *
 * Chromium turns the hint into a byte budget and takes the largest n/8 whose area fits it, so
 * each edge is rounded up to keep n itself inside the budget.
 */
export function jpegScaledDecodeSize(stored: Size, maxLongEdge: number): (Size & { eighths: number }) | undefined {
  const longEdge = Math.max(stored.width, stored.height);
  const eighths = Math.ceil((8 * maxLongEdge) / longEdge);
  if (eighths >= 8) return undefined;
  return { width: Math.ceil((stored.width * eighths) / 8), height: Math.ceil((stored.height * eighths) / 8), eighths };
}

// Markers that stand alone, without a length field: TEM and RST0-7 (SOI/EOI handled apart).
function isStandaloneMarker(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/**
 * Whether a JPEG's data runs all the way to its End Of Image marker (FFD9).
 *
 * Browsers decode a cut-off JPEG without complaint and paint the missing part grey, so a
 * half-downloaded photo would otherwise be sent for try-on. Phones often append data after EOI
 * (Google motion photos carry a whole MP4, Samsung a trailer), so "the file ends with FFD9" is
 * not enough: this walks the marker segments and entropy-coded data to find the real EOI.
 */
export function isJpegComplete(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  if (endsWithJpegEoi(bytes)) return true;

  let pos = 2;
  let inScan = false;
  while (pos < bytes.length) {
    if (inScan) {
      // Entropy-coded data: FF00 is a stuffed byte and RSTn a restart; any other FFxx is a marker.
      const ff = bytes.indexOf(0xff, pos);
      if (ff < 0 || ff + 1 >= bytes.length) return false;
      const next = bytes[ff + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
        pos = next === 0xff ? ff + 1 : ff + 2;
        continue;
      }
      inScan = false;
      pos = ff;
      continue;
    }
    if (bytes[pos] !== 0xff) return false;
    // Any number of FF fill bytes may precede a marker.
    while (pos < bytes.length && bytes[pos] === 0xff) pos++;
    if (pos >= bytes.length) return false;
    const marker = bytes[pos]!;
    pos++;
    if (marker === 0xd9) return true;
    if (isStandaloneMarker(marker)) continue;
    if (pos + 2 > bytes.length) return false;
    const length = (bytes[pos]! << 8) | bytes[pos + 1]!;
    if (length < 2) return false;
    pos += length;
    if (pos > bytes.length) return false;
    if (marker === 0xda) inScan = true;
  }
  return false;
}

/**
 * Whether a JPEG carries an APP1 'Exif\0\0' segment (orientation, camera, GPS, ...).
 * Walks the header segments only, up to the first scan, where metadata must appear.
 */
export function hasExifSegment(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return false;
    while (pos < bytes.length && bytes[pos] === 0xff) pos++;
    const marker = bytes[pos];
    pos++;
    if (marker === undefined || marker === 0xd9 || marker === 0xda) return false;
    if (isStandaloneMarker(marker)) continue;
    if (pos + 2 > bytes.length) return false;
    const length = (bytes[pos]! << 8) | bytes[pos + 1]!;
    if (length < 2) return false;
    if (marker === 0xe1 && length >= 8 && ascii(bytes, pos + 2, 6) === 'Exif\0\0') return true;
    pos += length;
  }
  return false;
}

/** Whether `needle` (ASCII) occurs anywhere in `bytes`; tests use it to look for leaked metadata. */
export function containsAscii(bytes: Uint8Array, needle: string): boolean {
  if (needle.length === 0) return true;
  const first = needle.charCodeAt(0);
  for (let i = bytes.indexOf(first); i >= 0 && i + needle.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    let match = true;
    for (let j = 1; j < needle.length; j++) {
      if (bytes[i + j] !== needle.charCodeAt(j)) {
        match = false;
        break;
      }
    }
    if (match) return true;
  }
  return false;
}
