/**
 * image-size's `imageSize()` over the formats a browser decodes as a photo. The package's entry
 * registers all twenty of its parsers (PSD, DDS, KTX, ICNS, JPEG 2000…), about half of the
 * worker's gzip size; its per-format modules are public exports, so the worker takes only these.
 * Header parsing only, as before: a format outside this list is judged by the decoder.
 */
import { BMP } from 'image-size/types/bmp';
import { GIF } from 'image-size/types/gif';
import { HEIF } from 'image-size/types/heif';
import type { ISizeCalculationResult } from 'image-size/types/interface';
import { JPG } from 'image-size/types/jpg';
import { PNG } from 'image-size/types/png';
import { WEBP } from 'image-size/types/webp';

const PHOTO_FORMATS = [JPG, PNG, WEBP, HEIF, GIF, BMP];

/** The declared size of a JPEG, PNG, WebP, HEIF/AVIF, GIF or BMP; throws for anything else, as image-size does. */
export function imageSize(input: Uint8Array): ISizeCalculationResult {
  const format = PHOTO_FORMATS.find((candidate) => candidate.validate(input));
  if (!format) throw new TypeError('unsupported file type');
  const size = format.calculate(input);
  // A HEIF holds several images (thumbnails, tiles): the largest is the photo, as image-size picks.
  const largest = size.images?.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  return largest ? { ...size, width: largest.width, height: largest.height } : size;
}
