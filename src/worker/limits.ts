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
