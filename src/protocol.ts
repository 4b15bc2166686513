/**
 * Protocol v1 between the <try-on-button> widget and the merchant's endpoint.
 * Shared by both sides: no imports, no side effects, safe in browser bundles.
 * The README's "Protocol (v1)" section and docs/architecture.md give the prose version.
 */

export const PROTOCOL_VERSION = 1;

/**
 * Garment categories the widget and endpoint understand. Adapters map them to their own; a
 * provider that cannot dress one refuses it (422 `unsupported_category`) before any credit is
 * spent. The accessory kinds are those a provider can tell apart (VirtuFit's `swap_target`);
 * `accessory` is any other accessory.
 */
export const CATEGORIES = [
  'top',
  'bottom',
  'dress',
  'full',
  'outerwear',
  'shoes',
  'watch',
  'glasses',
  'hat',
  'bag',
  'jewelry',
  'accessory',
] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/** Job states as the widget sees them, whatever words the provider uses. */
export type JobStatus = 'queued' | 'processing' | 'completed' | 'failed';

/** Photo types the endpoint accepts (sniffed from magic bytes, not trusted from headers). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** Hard limits, mirrored on both sides so the widget can refuse early with the same words. */
export const LIMITS = {
  photoMaxBytes: 10 * 1024 * 1024,
  photoMaxPixels: 40_000_000,
  photoLongEdge: 1536,
  /** The minimum delay the endpoint asks between polls. */
  pollAfterMs: 2000,
} as const;

/**
 * Stable error codes. The widget branches on these, merchants log them; never rename one.
 * Messages are sentences a person can act on; the widget may replace them with localized text.
 */
export const ERROR_CODES = [
  // request shape
  'bad_request',
  'method_not_allowed',
  'not_found',
  'unsupported_media_type',
  'body_too_large',
  /** 408: the request body arrived too slowly; the connection is closed. */
  'body_timeout',
  // photo
  'photo_missing',
  'photo_too_large',
  'photo_unsupported_type',
  'photo_too_many_pixels',
  'photo_corrupt',
  'photo_ref_invalid',
  // garment / product
  'garment_missing',
  'garment_url_invalid',
  'garment_host_not_allowed',
  /** 422: the garment host resolves to a private, loopback or link-local address. */
  'garment_address_not_allowed',
  'product_unknown',
  // other fields
  'category_invalid',
  'unsupported_category',
  'consent_required',
  'idempotency_key_invalid',
  // access
  'origin_not_allowed',
  /** 401: Shopify app proxy mode and the request's proxy signature is missing, wrong or stale. */
  'proxy_signature_invalid',
  /** 403: a job token or photo handle made for another shop or storefront origin. */
  'token_scope_mismatch',
  /** 403: the Cloudflare Turnstile check before a submit failed (missing, expired, wrong site or action). */
  'turnstile_failed',
  /** 401: the merchant's admin route without its secret (`TRYON_ADMIN_SECRET`); never a shopper's. */
  'admin_unauthorized',
  'job_token_invalid',
  'job_token_expired',
  'rate_limited',
  /** A daily cap on generations (this shop's, or the endpoint's spend breaker) is used up until 00:00 UTC. */
  'daily_limit_reached',
  // provider side, normalized
  'provider_auth',
  'provider_busy',
  'provider_error',
  'provider_timeout',
  'provider_unavailable',
  /** The endpoint's shared state (Redis) cannot be reached; retry after Retry-After. */
  'service_unavailable',
  // job outcome (status: failed), shopper-facing
  'photo_rejected',
  'pose_unsupported',
  'moderation_blocked',
  'garment_rejected',
  'generation_failed',
  'job_expired',
  // widget-only (never sent by the endpoint)
  'image_undecodable',
  'image_heic_unsupported',
  'network_error',
  /** Cloudflare's Turnstile script did not load (blocked or offline), so no submit could be checked. */
  'turnstile_unavailable',
  'aborted',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Refusals only the merchant's setup can end (the product, its garment host or category, the page's
 * origin): the widget shows them without "try again", and the endpoint logs them as warnings.
 */
export const SETUP_ERROR_CODES: readonly ErrorCode[] = [
  'product_unknown',
  'garment_missing',
  'garment_url_invalid',
  'garment_host_not_allowed',
  'garment_address_not_allowed',
  'category_invalid',
  'unsupported_category',
  'origin_not_allowed',
];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Extra shopper-facing detail, e.g. a provider's list of photo issues. */
  details?: string[];
}

export interface ErrorResponse {
  error: ErrorBody;
}

/**
 * A job waiting in the provider account's line for its paid work (the account's per-minute or
 * concurrent limits are in use): its place (1 is next) and an estimate of the wait in seconds.
 * The widget shows "In line: about N s" with cancel (`DELETE {endpoint}/jobs/{job}`).
 */
export interface QueuePlace {
  position: number;
  etaSec: number;
}

/** `202` answer to `POST {endpoint}/jobs`. */
export interface SubmitResponse {
  job: string;
  status: JobStatus;
  pollAfterMs: number;
  /** Handle of the photo just sent; send it as `photoRef` next time instead of the photo. */
  photoRef?: string;
  /** Present while the job waits in the account's line (status `queued`). */
  queue?: QueuePlace;
}

/** `200` answer to `GET {endpoint}/jobs/{job}`. */
export interface StatusResponse {
  status: JobStatus;
  images?: string[];
  error?: ErrorBody;
  pollAfterMs?: number;
  /** Present while the job waits in the account's line (status `queued`). */
  queue?: QueuePlace;
}

/**
 * `200` answer to `GET {endpoint}/check?product=…&garment=…&category=…` (the fields as the submit
 * would send them): this product can be tried on from this page. Any other answer is the refusal
 * a submit would get, with the same code (`product_unknown`, `garment_host_not_allowed`,
 * `garment_address_not_allowed`, `garment_url_invalid`, `garment_missing`, `category_invalid`,
 * `unsupported_category`, `origin_not_allowed`), and the message names the setting that fixes it.
 * Spends no credits and fetches no garment; the widget asks once per product and page, when the
 * button is about to be used. Its `origin_not_allowed` answer is readable cross-origin.
 */
export interface CheckResponse {
  ok: true;
  /** The category the try-on would use (the widget's, or the catalog's). */
  category: Category;
}

export interface HealthResponse {
  ok: boolean;
  provider: string;
}

/** Multipart field names of `POST {endpoint}/jobs`. */
export const SUBMIT_FIELDS = {
  photo: 'photo',
  photoRef: 'photoRef',
  garment: 'garment',
  product: 'product',
  category: 'category',
  consent: 'consent',
  size: 'size',
  /**
   * The Cloudflare Turnstile token of the page's widget (rendered with action `try-on`); required
   * only when the endpoint sets `TRYON_TURNSTILE_SECRET`.
   */
  turnstileToken: 'turnstileToken',
} as const;

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
