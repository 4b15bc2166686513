/**
 * EXIF orientation of a JPEG, read from its header bytes. Pure, so vitest runs it in Node.
 *
 * image-size reports an orientation too, but it assumes IFD0 sits at TIFF offset 8 and only
 * finds SOF0-2 frames. A wrong answer here would squash or rotate the upload (the scaled decode
 * takes the upright size from it), so the TIFF structure is walked as written.
 */
import type { Size } from './pipeline.ts';

/** EXIF orientation, 1 (upright) to 8, as TIFF tag 0x0112 defines it. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

function isOrientation(value: number): value is Orientation {
  return Number.isInteger(value) && value >= 1 && value <= 8;
}

/** Orientation tag of IFD0 in a TIFF structure (the payload of an Exif APP1 after 'Exif\0\0'). */
export function tiffOrientation(tiff: Uint8Array): Orientation | undefined {
  if (tiff.length < 8) return undefined;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (view.getUint16(2, little) !== 42) return undefined;
  const ifd = view.getUint32(4, little);
  if (ifd < 8 || ifd + 2 > tiff.length) return undefined;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    if (view.getUint16(entry + 2, little) !== SHORT || view.getUint32(entry + 4, little) !== 1) return undefined;
    const value = view.getUint16(entry + 8, little);
    return isOrientation(value) ? value : undefined;
  }
  return undefined;
}

/**
 * The orientation a JPEG's first Exif APP1 segment declares, or undefined when there is none
 * (or it is unreadable). Only the header segments up to the first scan are walked, so the
 * first few hundred kB of the file are enough.
 */
export function jpegOrientation(bytes: Uint8Array): Orientation | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return undefined;
    while (pos < bytes.length && bytes[pos] === 0xff) pos++;
    const marker = bytes[pos];
    pos++;
    if (marker === undefined || marker === 0xd9 || marker === 0xda) return undefined;
    // TEM and RST0-7 carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (pos + 2 > bytes.length) return undefined;
    const length = (bytes[pos]! << 8) | bytes[pos + 1]!;
    if (length < 2) return undefined;
    const end = Math.min(bytes.length, pos + length);
    if (marker === 0xe1 && isExifHeader(bytes, pos + 2)) return tiffOrientation(bytes.subarray(pos + 8, end));
    pos += length;
  }
  return undefined;
}

function isExifHeader(bytes: Uint8Array, at: number): boolean {
  // 'Exif\0\0'
  return (
    bytes[at] === 0x45 &&
    bytes[at + 1] === 0x78 &&
    bytes[at + 2] === 0x69 &&
    bytes[at + 3] === 0x66 &&
    bytes[at + 4] === 0 &&
    bytes[at + 5] === 0
  );
}

/** Whether displaying with this orientation turns the stored image by a quarter (5 to 8). */
export function swapsAxes(orientation: Orientation | undefined): boolean {
  return orientation !== undefined && orientation >= 5;
}

/** The size as displayed: the stored size with width and height swapped for orientations 5 to 8. */
export function orientedSize(stored: Size, orientation: Orientation | undefined): Size {
  return swapsAxes(orientation) ? { width: stored.height, height: stored.width } : { width: stored.width, height: stored.height };
}
