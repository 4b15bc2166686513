/**
 * Checks of the shopper photo, all without decoding it: the type from magic bytes, the declared
 * dimensions from the header (image-size), and cheap signs of truncation. Runs before any
 * provider call so a bad photo never costs credits.
 */
import { imageSize } from 'image-size';
import { LIMITS, type PhotoType } from '../../protocol.ts';
import { ApiError } from '../http/api-error.ts';
import { sniffImageType, type SniffedType } from '../../shared/image-type.ts';

export interface CheckedPhoto {
  bytes: Uint8Array;
  type: PhotoType;
  width: number;
  height: number;
}

const startsWith = (bytes: Uint8Array, prefix: number[], at = 0) => prefix.every((b, i) => bytes[at + i] === b);

const PHOTO_TYPES: Partial<Record<SniffedType, PhotoType>> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** The photo type from its first bytes, whatever the upload claimed: JPEG, PNG or WebP only. */
export function sniffPhotoType(bytes: Uint8Array): PhotoType | undefined {
  return PHOTO_TYPES[sniffImageType(bytes)];
}

const lastIndexOfPair = (bytes: Uint8Array, a: number, b: number, window: number) => {
  for (let i = bytes.length - 2; i >= Math.max(0, bytes.length - window); i--) {
    if (bytes[i] === a && bytes[i + 1] === b) return i;
  }
  return -1;
};

/** True when the file visibly ends early (an interrupted upload or a cut-off file). */
export function looksTruncated(bytes: Uint8Array, type: PhotoType): boolean {
  switch (type) {
    case 'image/jpeg':
      // Some encoders pad after the end-of-image marker, so look near the end, not at it.
      return lastIndexOfPair(bytes, 0xff, 0xd9, 64) < 0;
    case 'image/png': {
      const iend = [0x49, 0x45, 0x4e, 0x44];
      for (let i = bytes.length - 8; i >= Math.max(0, bytes.length - 64); i--) if (startsWith(bytes, iend, i)) return false;
      return true;
    }
    case 'image/webp': {
      const riffSize = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
      return riffSize + 8 > bytes.length;
    }
  }
}

/** Validates a photo upload; throws ApiError with the protocol's code for each problem. */
export function checkPhoto(bytes: Uint8Array): CheckedPhoto {
  if (bytes.length === 0) {
    throw new ApiError(400, 'photo_missing', 'The photo is empty. Please choose or take a photo again.');
  }
  if (bytes.length > LIMITS.photoMaxBytes) {
    throw new ApiError(413, 'photo_too_large', 'The photo is larger than 10 MB. Please choose a smaller photo.');
  }
  const type = sniffPhotoType(bytes);
  if (!type) {
    throw new ApiError(415, 'photo_unsupported_type', 'The photo must be a JPEG, PNG or WebP image. Please choose another photo.');
  }
  let width = 0;
  let height = 0;
  try {
    const size = imageSize(bytes);
    width = size.width;
    height = size.height;
  } catch {
    // Unreadable header: reported as corrupt below.
  }
  if (!(width > 0 && height > 0) || looksTruncated(bytes, type)) {
    throw new ApiError(422, 'photo_corrupt', 'The photo file is damaged or incomplete. Please choose or take the photo again.');
  }
  if (width * height > LIMITS.photoMaxPixels) {
    throw new ApiError(422, 'photo_too_many_pixels', 'The photo has more than 40 megapixels. Please choose a smaller photo.');
  }
  return { bytes, type, width, height };
}
