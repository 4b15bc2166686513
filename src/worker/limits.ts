/**
 * Ceilings on what the shopper may pick, checked before decoding. They are far above any phone
 * photo (a 108 MP camera makes ~30 MB JPEGs) and exist to refuse decompression bombs and files
 * that would need gigabytes of memory to decode on a phone. The endpoint's own, tighter limits in
 * LIMITS apply to the processed upload, which is small by construction.
 */
export const INPUT_LIMITS = {
  maxBytes: 64 * 1024 * 1024,
  maxPixels: 120_000_000,
} as const;

/** JPEG quality used when the caller gives none: visually lossless for a try-on model. */
export const DEFAULT_QUALITY = 0.9;

/**
 * Where the upload lands, in every engine: the JPEG is re-encoded once at a lower quality when
 * over `targetBytes` (jpeg-size.ts), and `maxBytes` is the upload budget it must stay within.
 * A 12 MP phone photo at 1536 px and quality 0.9 is about 200-290 KB in Chromium; Gecko writes
 * the same photo at 0.9 without chroma subsampling, about 1.4x that.
 */
export const UPLOAD_SIZE = {
  targetBytes: 300_000,
  maxBytes: 350_000,
} as const;
