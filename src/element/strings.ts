import type { ErrorCode } from '../protocol.ts';
import type { PhotoCheckCode } from '../worker/checks.ts';

/** How much of the body a photo should show: set by the garment's category. */
export type Framing = 'shoulders' | 'knees' | 'feet';

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
  errorTitle: string;
  retry: string;
  pickAnother: string;
  /** Shopper-facing text per error code; codes without an entry fall back to `errors.default`. */
  errors: Partial<Record<ErrorCode, string>> & { default: string };
  /** Status text announced to screen readers when the panel opens and on completion. */
  announceOpen: string;
  announceComplete: string;
  // ---- capture: the live camera, drop and paste, guidance, on-device checks ----
  /** Label of the live camera's shutter button. */
  capture: string;
  switchCamera: string;
  /** Leaves the live camera for the picker. */
  cameraBack: string;
  /** Shown instead of "Change photo" under a photo taken with the camera. */
  retake: string;
  /** Accessible name of the live preview. */
  cameraPreview: string;
  cameraStarting: string;
  /** Why the live camera is not shown (the picker stays available). */
  cameraDenied: string;
  cameraNone: string;
  cameraInUse: string;
  cameraUnsupported: string;
  /** Overlay text while a file is dragged over the panel. */
  dropHere: string;
  /** Hint under the picker on devices with a mouse. */
  dropOrPaste: string;
  guidanceTitle: string;
  /** Framing tip; `framing` is how far down the body the photo should reach for this category. */
  guidanceFraming: (framing: Framing) => string;
  guidanceLight: string;
  guidanceBackground: string;
  guidanceFit: string;
  guidanceDone: string;
  /** Announced while the photo is checked on the device after it is chosen. */
  checkingPhoto: string;
  /** Submit (or retry) button while Cloudflare Turnstile, when on, has not issued its token yet. */
  checkingBrowser: string;
  checksTitle: string;
  /** One fix-it hint per on-device check. */
  checkHints: Record<PhotoCheckCode, string>;
  /** Submit label when a check found a likely problem. */
  useAnyway: string;
  // ---- progress and the result's tools ----
  /** Accessible name of the list of progress steps. */
  progressSteps: string;
  stepPreparing: string;
  stepUploading: string;
  stepQueued: string;
  stepGenerating: string;
  /** Read after a ticked step's name by screen readers. */
  stepDone: string;
  /** Stage line while the photo is being sent; `percent` is 0..100. */
  uploadPercent: (percent: number) => string;
  /** Estimate while the provider works; `seconds` is never negative (may exceed 60). */
  timeLeft: (seconds: number) => string;
  /** Shown instead of the estimate once the typical time has passed. */
  almostDone: string;
  /**
   * Shown instead of the estimate while the job waits in the provider account's line: its place
   * (1 is next) and the wait in seconds (rounded; may exceed 60).
   */
  inLine: (position: number, seconds: number) => string;
  /** Accessible name of the before/after slider. */
  compareLabel: string;
  /** Spoken value of the slider; `percent` is how much of the width shows the shopper's photo. */
  compareValue: (percent: number) => string;
  compareBefore: string;
  compareAfter: string;
  compareHint: string;
  zoomOpen: string;
  zoomClose: string;
  zoomTitle: string;
  zoomHint: string;
  download: string;
  share: string;
  shareTitle: string;
  shareText: string;
  linkCopied: string;
  shareFailed: string;
  downloadFailed: string;
  /** The add-to-cart button (short: it shares a row with "Try another photo"). */
  addToCart: string;
  /** The size beside the product's name in the desktop dialog (the `size` attribute's value). */
  sizeLabel: (size: string) => string;
  /** The add-to-cart button when the page names the selected variant (`variant` is e.g. "Navy / M"). */
  addVariantToCart: (variant: string) => string;
  /** The add-to-cart button once the page added it; also announced. */
  addedToCart: string;
  /** Shown when the page's cart refused (its waitUntil promise rejected). */
  addToCartFailed: string;
  /** Label of the result's row of variants (other colours) to try on in one tap. */
  variantsTitle: string;
  // ---- consent, on-device memory, the pending badge ----
  /** Retention sentence under the consent box: what the shop's endpoint keeps and for how long. */
  consentKept: (merchant: string) => string;
  /** What the try-on service keeps, when the merchant sets no `retention` text. */
  consentProviderRetention: string;
  /** Opt-in box: keep the processed photo and results on this device. */
  rememberLabel: string;
  /** Beside "Delete my photo" while a photo is saved. */
  savedOnDevice: string;
  /** Beside "Clear my try-ons" while only results are saved. */
  historyOnDevice: string;
  forgetPhoto: string;
  forgetHistory: string;
  /** Announced after "Delete my photo". */
  forgotten: string;
  /** Announced when the device copy went but the endpoint could not be reached. */
  forgottenLocally: string;
  forgetFailed: string;
  /** Caption of the preview when it shows the saved photo. */
  savedPhotoCaption: string;
  /** Submit label while the saved photo is selected. */
  useSavedPhoto: string;
  /** Label of the change-photo button while the saved photo is selected. */
  useAnotherPhoto: string;
  historyTitle: string;
  /** Accessible name of a history thumbnail (opens the result); `date` is formatted. */
  historyOpen: (date: string) => string;
  historyDelete: (date: string) => string;
  /** Badge on the button while a try-on of this tab is in flight, or done but not yet seen. */
  badgeInProgress: string;
  badgeReady: string;
  /** Announced when the panel picks up a try-on started earlier (reload, another page). */
  announceResumed: string;
}

/** The built-in English strings. */
export const defaultStrings: TryOnStrings = {
  button: 'Try it on',
  title: 'Virtual try-on',
  intro: 'See this piece on you: upload a photo of yourself and we’ll create a preview.',
  close: 'Close',
  consentLabel: (merchant) => `I agree that ${merchant} may send my photo to its try-on service, only to create this preview.`,
  fallbackMerchant: 'this shop',
  privacyPolicy: 'Privacy policy',
  consentNeeded: 'Tick the box above to choose a photo.',
  choosePhoto: 'Choose a photo',
  changePhoto: 'Change photo',
  camera: 'Take a photo',
  photoTips: 'Best results: one person, standing, facing the camera, in good light.',
  previewAlt: 'Your chosen photo',
  submit: 'Try it on',
  cancel: 'Cancel',
  stagePreparing: 'Preparing your photo…',
  stageUploading: 'Sending your photo…',
  stageQueued: 'Waiting for the try-on service…',
  stageProcessing: 'Creating your preview…',
  stageFinishing: 'Almost there…',
  resultAlt: 'You wearing this piece (try-on preview)',
  resultNote: 'Generated image: fit and colour may differ from the real piece.',
  tryAnother: 'Try another photo',
  errorTitle: 'Sorry, that didn’t work',
  retry: 'Try again',
  pickAnother: 'Choose another photo',
  errors: {
    default: 'Something went wrong. Please try again.',
    network_error: 'We couldn’t reach the try-on service. Check your connection and try again.',
    image_undecodable: 'We couldn’t read that file as a photo. Please choose a JPEG, PNG or WebP image.',
    image_heic_unsupported:
      'This browser can’t open HEIC photos (the iPhone default). Take the photo here with “Take a photo”, share it as JPEG, or set the iPhone camera to “Most Compatible” (Settings › Camera › Formats).',
    photo_too_large: 'That photo is too large. Please choose a smaller one.',
    photo_too_many_pixels: 'That photo has too many pixels. Please choose a smaller one.',
    photo_corrupt: 'That photo seems to be damaged. Please choose another one.',
    photo_unsupported_type: 'That file type isn’t supported. Please choose a JPEG, PNG or WebP photo.',
    photo_rejected: 'The try-on service couldn’t use this photo. Try one where you’re clearly visible, facing the camera.',
    pose_unsupported: 'The try-on service couldn’t work with this pose. Try a photo standing straight, facing the camera.',
    moderation_blocked: 'The try-on service declined this photo. Please choose another one.',
    garment_rejected: 'Try-on isn’t available for this product right now.',
    garment_host_not_allowed: 'Try-on isn’t set up for this product yet.',
    garment_url_invalid: 'Try-on isn’t set up for this product yet.',
    garment_missing: 'Try-on isn’t set up for this product yet.',
    product_unknown: 'Try-on isn’t set up for this product yet.',
    unsupported_category: 'Try-on isn’t available for this kind of product.',
    category_invalid: 'Try-on isn’t set up for this product yet.',
    rate_limited: 'Lots of people are trying things on right now. Please try again in a minute.',
    provider_busy: 'The try-on service is busy. Please try again in a minute.',
    provider_unavailable: 'The try-on service isn’t available right now. Please try again later.',
    provider_timeout: 'The try-on is taking much longer than usual. Please try again.',
    generation_failed: 'We couldn’t create the preview. Please try again.',
    job_expired: 'This preview has expired. Please try again.',
    origin_not_allowed: 'Try-on isn’t available on this site.',
    daily_limit_reached: 'Today’s try-ons for this shop are used up. Please come back tomorrow.',
    service_unavailable: 'Try-on is unavailable for a moment. Please try again shortly.',
    turnstile_failed: 'We couldn’t confirm this request came from a person. Please try again.',
    turnstile_unavailable: 'The security check didn’t load. Check your connection (or content blocker) and try again.',
    body_timeout: 'Sending your photo took too long. Check your connection and try again.',
    body_too_large: 'That photo is too large. Please choose a smaller one.',
    token_scope_mismatch: 'This try-on belongs to another shop page. Please start a new one here.',
    job_token_expired: 'This preview has expired. Please try again.',
    job_token_invalid: 'We couldn’t find this try-on. Please start a new one.',
    provider_auth: 'Try-on is temporarily unavailable in this shop. Please try again later.',
    provider_error: 'The try-on service sent an answer we couldn’t read. Please try again later.',
    consent_required: 'Please tick the consent box to continue.',
  },
  announceOpen: 'Try-on panel opened.',
  announceComplete: 'Your try-on preview is ready.',
  // ---- capture: the live camera, drop and paste, guidance, on-device checks ----
  capture: 'Take photo',
  switchCamera: 'Switch camera',
  cameraBack: 'Back',
  retake: 'Retake',
  cameraPreview: 'Camera preview',
  cameraStarting: 'Starting the camera…',
  cameraDenied:
    'Camera access is blocked for this site. Choose a photo instead, or allow the camera in your browser’s site settings and try again.',
  cameraNone: 'No camera found on this device. Choose a photo instead.',
  cameraInUse: 'Another app is using your camera. Close it and try again, or choose a photo instead.',
  cameraUnsupported: 'This browser can’t show a live camera here. Choose a photo instead.',
  dropHere: 'Drop your photo here',
  dropOrPaste: 'You can also drag a photo here or paste one.',
  guidanceTitle: 'For the best result',
  guidanceFraming: (framing) =>
    framing === 'shoulders'
      ? 'Frame your head and shoulders, facing the camera.'
      : framing === 'knees'
        ? 'Stand facing the camera, in frame from head to knees.'
        : 'Stand facing the camera, in frame from head to feet.',
  guidanceLight: 'Use good, even light, such as facing a window.',
  guidanceBackground: 'Stand in front of a plain background.',
  guidanceFit: 'Wear fitted clothes so your shape shows.',
  guidanceDone: 'Got it',
  checkingPhoto: 'Checking your photo…',
  checkingBrowser: 'Checking your browser…',
  checksTitle: 'This photo may not give a good result',
  checkHints: {
    too_small: 'The photo is small. Use a larger photo, or take one here with the camera.',
    too_dark: 'The photo is dark. Turn on a light or face a window, then take it again.',
    too_bright: 'The photo is too bright. Move out of direct sunlight or away from a bright light.',
    blurry: 'The photo looks blurry. Hold the phone steady (or lean it on something) and tap to focus.',
    landscape: 'The photo is sideways (landscape). Hold the phone upright so your whole body fits.',
  },
  useAnyway: 'Use anyway',
  // ---- progress and the result's tools ----
  progressSteps: 'Progress',
  stepPreparing: 'Preparing',
  stepUploading: 'Uploading',
  stepQueued: 'In queue',
  stepGenerating: 'Creating',
  stepDone: '(done)',
  uploadPercent: (percent) => `Sending your photo… ${percent}%`,
  timeLeft: (seconds) =>
    seconds < 60
      ? `About ${seconds} second${seconds === 1 ? '' : 's'} left`
      : `About ${Math.round(seconds / 60)} minute${Math.round(seconds / 60) === 1 ? '' : 's'} left`,
  almostDone: 'Almost done…',
  inLine: (position, seconds) => `In line: number ${position}, about ${seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`}`,
  compareLabel: 'Compare your photo with the try-on',
  compareValue: (percent) => `${percent}% your photo, ${100 - percent}% preview`,
  compareBefore: 'Your photo',
  compareAfter: 'Preview',
  compareHint: 'Drag to compare',
  zoomOpen: 'Zoom in',
  zoomClose: 'Close zoom',
  zoomTitle: 'Try-on preview, zoomed',
  zoomHint: 'Pinch, scroll or tap to zoom. Drag to move.',
  download: 'Download',
  share: 'Share',
  shareTitle: 'My try-on preview',
  shareText: 'How does this look on me?',
  linkCopied: 'Link copied',
  shareFailed: 'Sharing isn’t available here. Use Download instead.',
  downloadFailed: 'The download didn’t work. Please try again.',
  addToCart: 'Add to cart',
  sizeLabel: (size) => `Size ${size}`,
  addVariantToCart: (variant) => `Add ${variant} to cart`,
  addedToCart: 'Added to cart',
  addToCartFailed: 'This could not be added to your cart. Please try again.',
  variantsTitle: 'Try another colour',
  // ---- consent, on-device memory, the pending badge ----
  consentKept: (merchant) => `${merchant} keeps your photo for about an hour, then deletes it.`,
  consentProviderRetention: 'What the try-on service keeps is in the shop’s privacy policy.',
  rememberLabel: 'Remember my photo and results on this device for next time',
  savedOnDevice: 'Saved on this device only.',
  historyOnDevice: 'Your try-ons are saved on this device only.',
  forgetPhoto: 'Delete my photo',
  forgetHistory: 'Clear my try-ons',
  forgotten: 'Your photo and earlier try-ons were deleted.',
  forgottenLocally: 'Deleted from this device. The shop couldn’t be reached, but its copy is deleted within an hour anyway.',
  forgetFailed: 'We couldn’t delete your saved photo. Please try again.',
  savedPhotoCaption: 'Your saved photo, on this device only',
  useSavedPhoto: 'Use this photo',
  useAnotherPhoto: 'Use another',
  historyTitle: 'Your earlier try-ons',
  historyOpen: (date) => `Open your try-on from ${date}`,
  historyDelete: (date) => `Delete your try-on from ${date}`,
  badgeInProgress: 'In progress',
  badgeReady: 'Ready',
  announceResumed: 'Picking up your try-on where you left off.',
};
