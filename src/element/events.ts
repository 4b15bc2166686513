import type { Category, ErrorCode, JobStatus, QueuePlace } from '../protocol.ts';

/** Stage of the `processing` status, shown as progress text. */
export type TryOnStage = 'preparing' | 'uploading' | 'queued' | 'processing' | 'finishing';

/**
 * One of the product's variants the result offers to try on in one tap (the `variants`
 * property): the merchant's id, the shopper's label ("Navy"), its garment image (relative URLs
 * resolve against the page; the endpoint must allow its host, as for `garment`) and, optionally,
 * a CSS colour for its swatch (else the garment image is the swatch).
 */
export interface TryOnVariant {
  id: string;
  label: string;
  garment: string;
  swatch?: string;
}

/** Detail types of the element's events (all bubble and are composed). */
export interface TryOnEventDetails {
  /** The panel opened. */
  'try-on-open': Record<string, never>;
  /** The panel closed (close button, Esc, or `close()`); in-flight work was aborted. */
  'try-on-close': Record<string, never>;
  /** The shopper ticked (or unticked) the consent box. */
  'try-on-consent': { given: boolean; version: string };
  /** The shopper chose a photo (original file's type and size; the photo itself stays private). */
  'try-on-photo': { type: string; size: number };
  /** A job is being started. `garment` is the absolute garment URL, if any. */
  'try-on-start': { category: Category | string; garment: string | undefined; product: string | undefined };
  /**
   * Progress: the job's status as the endpoint reports it, and the widget's stage; `queue` while
   * the job waits in the provider account's line (its place, 1 is next, and the wait in seconds).
   */
  'try-on-progress': { status: JobStatus; stage: TryOnStage; queue?: QueuePlace };
  /** The result is shown. */
  'try-on-complete': { images: string[] };
  /** Something failed; `code` is a stable protocol code, `message` the text shown. */
  'try-on-error': { code: ErrorCode; message: string };
  // ---- the result's tools ----
  /**
   * The shopper asked to add the product to the cart from the result. The element adds nothing
   * itself: the page does. `garment` is the absolute garment URL, `image` the result shown,
   * `variant` and `variantId` the selected variant (attributes `variant`, `variant-id`, or the one
   * the shopper chose in the result). The button then reads "Added to cart"; a page that adds
   * asynchronously passes its promise to `waitUntil` (call it while handling the event): the
   * button waits for it, and a rejection tells the shopper it was not added.
   */
  'try-on-add-to-cart': {
    product: string | undefined;
    size: string | undefined;
    garment: string | undefined;
    image: string;
    variant: string | undefined;
    variantId: string | undefined;
    waitUntil: (promise: Promise<unknown>) => void;
  };
  /**
   * The shopper chose another of the `variants` on the result: the element's `variantId`,
   * `variant` and `garment` are now that variant's, and a new try-on with the same photo starts
   * (`try-on-start` follows). A page moves its own variant picker along here. `garment` is absolute.
   */
  'try-on-variant': { id: string; label: string; garment: string };
  /** The result was shared: as a file, as a link through the share sheet, or its link copied. */
  'try-on-share': { method: 'file' | 'link' | 'clipboard'; image: string };
  /** The result was saved as `filename`. */
  'try-on-download': { image: string; filename: string };
}

export type TryOnEventName = keyof TryOnEventDetails;

/** Typed event map: `el.addEventListener('try-on-complete', (e) => e.detail.images)`. */
export type TryOnEventMap = { [K in TryOnEventName]: CustomEvent<TryOnEventDetails[K]> };

// A record, not an array: the compiler then insists every event is named here, and only those.
const everyEvent: Record<TryOnEventName, true> = {
  'try-on-open': true,
  'try-on-close': true,
  'try-on-consent': true,
  'try-on-photo': true,
  'try-on-start': true,
  'try-on-progress': true,
  'try-on-complete': true,
  'try-on-error': true,
  'try-on-add-to-cart': true,
  'try-on-variant': true,
  'try-on-share': true,
  'try-on-download': true,
};

/** Every event's name, e.g. to forward all of them to analytics: `for (const n of TRY_ON_EVENT_NAMES) el.addEventListener(n, send)`. */
export const TRY_ON_EVENT_NAMES = Object.keys(everyEvent) as readonly TryOnEventName[];
