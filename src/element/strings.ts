import type { ErrorCode } from '../protocol.ts';

/**
 * Every piece of text the widget shows or announces, in English. Merchants replace any subset
 * through the element's `strings` property (a partial object merged over these).
 * Functions receive the values they interpolate, so translations can reorder words.
 */
export interface TryOnStrings {
  /** Default content of the trigger button (slot fallback). */
  button: string;
  /** Accessible name of the panel and its visible heading. */
  title: string;
  intro: string;
  close: string;
  /** Consent sentence; `merchant` is the `merchant` attribute or `fallbackMerchant`. */
  consentLabel: (merchant: string) => string;
  fallbackMerchant: string;
  privacyPolicy: string;
  /** Hint shown while the consent box is unticked and the picker is locked. */
  consentNeeded: string;
  choosePhoto: string;
  changePhoto: string;
  camera: string;
  photoTips: string;
  previewAlt: string;
  submit: string;
  cancel: string;
  stagePreparing: string;
  stageUploading: string;
  stageQueued: string;
  stageProcessing: string;
  stageFinishing: string;
  resultAlt: string;
  resultNote: string;
  tryAnother: string;
  done: string;
  errorTitle: string;
  retry: string;
  pickAnother: string;
  /** Shopper-facing text per error code; codes without an entry fall back to `errors.default`. */
  errors: Partial<Record<ErrorCode, string>> & { default: string };
  /** Status text announced to screen readers when the panel opens and on completion. */
  announceOpen: string;
  announceComplete: string;
}

/** The built-in English strings. */
export const defaultStrings: TryOnStrings = {
  button: 'Try it on',
  title: 'Virtual try-on',
  intro: 'See this piece on you. Upload a photo of yourself and we will create a preview.',
  close: 'Close',
  consentLabel: (merchant) =>
    `I agree that ${merchant} sends my photo to its try-on service to create this preview, and for nothing else.`,
  fallbackMerchant: 'this shop',
  privacyPolicy: 'Privacy policy',
  consentNeeded: 'Tick the box above to choose a photo.',
  choosePhoto: 'Choose a photo',
  changePhoto: 'Change photo',
  camera: 'Take a photo',
  photoTips: 'Best results: one person, standing, facing the camera, good light.',
  previewAlt: 'Your chosen photo',
  submit: 'Try it on',
  cancel: 'Cancel',
  stagePreparing: 'Preparing your photo…',
  stageUploading: 'Sending your photo…',
  stageQueued: 'Waiting for the try-on service…',
  stageProcessing: 'Creating your preview…',
  stageFinishing: 'Almost there…',
  resultAlt: 'You wearing this piece (try-on preview)',
  resultNote: 'A generated preview: fit and colour may differ from the real piece.',
  tryAnother: 'Try another photo',
  done: 'Done',
  errorTitle: 'That did not work',
  retry: 'Try again',
  pickAnother: 'Choose another photo',
  errors: {
    default: 'Something went wrong. Please try again.',
    network_error: 'We could not reach the try-on service. Check your connection and try again.',
    image_undecodable: 'We could not read that file as a photo. Please choose a JPEG, PNG or WebP image.',
    image_heic_unsupported: 'This browser cannot open HEIC photos. Please choose a JPEG or PNG, or take a new photo.',
    photo_too_large: 'That photo is too large. Please choose a smaller one.',
    photo_too_many_pixels: 'That photo has too many pixels. Please choose a smaller one.',
    photo_corrupt: 'That photo seems to be damaged. Please choose another one.',
    photo_unsupported_type: 'That file type is not supported. Please choose a JPEG, PNG or WebP photo.',
    photo_rejected: 'The try-on service could not use this photo. Try one where you are clearly visible, facing the camera.',
    pose_unsupported: 'The try-on service could not work with this pose. Try a photo standing straight, facing the camera.',
    moderation_blocked: 'The try-on service declined this photo. Please choose another one.',
    garment_rejected: 'Try-on is not available for this product right now.',
    garment_host_not_allowed: 'Try-on is not set up for this product yet.',
    garment_url_invalid: 'Try-on is not set up for this product yet.',
    garment_missing: 'Try-on is not set up for this product yet.',
    product_unknown: 'Try-on is not set up for this product yet.',
    unsupported_category: 'Try-on is not available for this kind of product.',
    category_invalid: 'Try-on is not set up for this product yet.',
    rate_limited: 'Lots of people are trying things on right now. Please try again in a minute.',
    provider_busy: 'The try-on service is busy. Please try again in a minute.',
    provider_unavailable: 'The try-on service is unavailable right now. Please try again later.',
    provider_timeout: 'The try-on is taking much longer than usual. Please try again.',
    generation_failed: 'The preview could not be created. Please try again.',
    job_expired: 'This preview has expired. Please try again.',
    origin_not_allowed: 'Try-on is not available on this site.',
  },
  announceOpen: 'Try-on panel opened.',
  announceComplete: 'Your try-on preview is ready.',
};

/** Merges a partial override over the defaults; `errors` is merged one level deeper. */
export function mergeStrings(override: Partial<TryOnStrings> | undefined): TryOnStrings {
  if (!override) return defaultStrings;
  return { ...defaultStrings, ...override, errors: { ...defaultStrings.errors, ...override.errors } };
}
