/**
 * The contract between the endpoint's handler and one provider adapter.
 *
 * Like Uppy Companion's providers: each adapter file holds its HTTP calls in one place and
 * pure mapping functions to and from the shared shape beside them. Adapters never build
 * HTTP responses for the widget and never see the widget's request: the handler validates
 * everything first, so an adapter is only called with input worth spending credits on.
 */
import type { Category, ErrorBody, JobStatus, PhotoType } from '../../protocol.ts';
import type { Store } from '../store/store.ts';
import type { AccountBudget, AccountLimits, QueuePlace, Ticket } from './budget.ts';

export interface ProviderPhoto {
  bytes: Uint8Array;
  type: PhotoType;
  width: number;
  height: number;
  /**
   * Stable handle of this shopper photo (the protocol's `photoRef`). Adapters key anything
   * the provider already holds for this shopper (an uploaded person id, a composed person)
   * on it, so a second product costs no second upload.
   */
  ref: string;
  /**
   * A public, unguessable URL where the provider can fetch the photo, valid while the job
   * lives. Present only when the endpoint knows its public base (`TRYON_PUBLIC_URL`).
   */
  url?: string;
}

export interface SubmitInput {
  photo: ProviderPhoto;
  /** Absolute https URL of the garment image, already checked against the host allowlist. */
  garmentUrl: string;
  /** Our category; `adapter.categories[category]` is known to exist when this is called. */
  category: Category;
  /** The shopper's chosen size label (e.g. "M"), when the page offers sizes. */
  size?: string;
  /** Free text describing the garment, e.g. the product title. */
  garmentDescription?: string;
}

/** What the handler gives an adapter to talk to its provider. */
export interface ProviderContext {
  /** Base URL of the provider API, without trailing slash (`TRYON_PROVIDER_URL` or the default). */
  baseUrl: string;
  apiKey: string;
  /** fetch to use (tests may count calls through it; production passes globalThis.fetch). */
  fetch: typeof fetch;
  /** Shared state for provider-side ids reused across jobs (namespaced by the adapter). */
  store: Store;
  /** Adapter options from configuration (e.g. `seed`, `model_name`, `tier`). */
  options: Record<string, string>;
  /** Public base URL of this endpoint, when known (`TRYON_PUBLIC_URL`), e.g. for webhooks. */
  publicUrl?: string;
  /** Secret of this endpoint, for adapters that sign things (e.g. webhook secrets). */
  secret: string;
  /** The endpoint's one clock (ms since the epoch): adapters never read Date.now, so tests control time. */
  now: () => number;
  /**
   * Publishes bytes at an unguessable, expiring URL served by this endpoint
   * (`GET {endpoint}/files/{id}`), absolute, e.g. a demo result image. The URL is public only
   * when the endpoint is (`TRYON_PUBLIC_URL`); otherwise it is relative to the request's origin.
   */
  publishFile(bytes: Uint8Array, contentType: string, ttlMs: number): Promise<string>;
  /**
   * Downloads a garment image safely: the merchant's host allowlist, public addresses only (also
   * after DNS, the connection pinned to the checked address on Node), no redirects, a size cap
   * (default 8 MB) and a deadline (default 10 s). The type is sniffed from the bytes. Throws
   * ProviderError('rejected', code garment_rejected) when the image cannot be had, or ApiError
   * garment_address_not_allowed. Adapters that download garments must use this, never `fetch`.
   */
  fetchGarment(
    url: string,
    limits?: { maxBytes?: number; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<{ bytes: Uint8Array; type: string }>;
  signal?: AbortSignal;
  /**
   * The provider account's shared budget (budget.ts). Every call an adapter makes through
   * providerFetch with a `routeClass` takes it first; without one, calls are not budgeted.
   */
  budget?: AccountBudget;
  /** The job's place in the account's line, for paid calls (`generate`) made on its behalf. */
  ticket?: Ticket;
}

/** A provider job as the handler sees it, in our words. */
export interface JobState {
  status: JobStatus;
  /** Result image URLs (https or data:), only when completed. */
  images?: string[];
  /** Only when failed: a stable code and a shopper-facing message. */
  error?: ErrorBody;
  /**
   * Set when the provider answered a status word its document does not list: the job reads as
   * still running (`processing`) until its deadline, and the word is logged once per job.
   */
  unknownWord?: string;
  /** While the job waits in the account's line for paid work: its place and an estimate. */
  queue?: QueuePlace;
}

export interface SubmitResult {
  /**
   * Everything the adapter needs to poll this job later, as a short string. It travels inside
   * the encrypted job token, so a restarted endpoint can still poll it. Never include the key.
   */
  jobId: string;
  /** Set when the provider answered synchronously (or already knows the state). */
  state?: JobState;
}

/** A provider callback as the handler hands it over: its body already read under the handler's cap and deadline. */
export interface WebhookCallback {
  headers: Headers;
  body: Uint8Array;
}

export interface ProviderWebhook {
  /**
   * The header every genuine callback carries its signature in. The handler refuses a request
   * without it (401) before reading a byte of its body, so unsigned traffic costs nothing.
   */
  readonly signatureHeader: string;
  /** Verifies and reads a callback; returns the job and its state, or throws ProviderError('bad_webhook') when unverified. */
  read(callback: WebhookCallback, ctx: ProviderContext): Promise<{ jobId: string; state: JobState }>;
}

export interface ProviderAdapter {
  /** Name as in `TRYON_PROVIDER`. */
  readonly name: string;
  /**
   * The vendor's production base URL, when its document names one. Without it the merchant must
   * configure the base (`TRYON_PROVIDER_URL`): a guessed host would fail silently in production.
   */
  readonly defaultBaseUrl?: string;
  /** Where the merchant finds the base URL when the document names none (for the startup error). */
  readonly baseUrlHelp?: string;
  /** The provider's documented minimum interval between status calls for one job. */
  readonly pollIntervalMs: number;
  /** Our categories to the provider's words; a missing key means unsupported (422). */
  readonly categories: Partial<Record<Category, string>>;
  /**
   * The account limits the provider's document states (calls per minute per route class,
   * generations at once); the merchant may override them (`TRYON_PROVIDER_LIMITS`).
   */
  readonly limits?: AccountLimits;
  /** True when the provider accepts photos only by URL (needs `TRYON_PUBLIC_URL`). */
  readonly needsPhotoUrl?: boolean;
  submit(input: SubmitInput, ctx: ProviderContext): Promise<SubmitResult>;
  status(jobId: string, ctx: ProviderContext): Promise<JobState>;
  /** Optional: provider callbacks (`POST {endpoint}/webhooks/{name}`). */
  webhook?: ProviderWebhook;
  /** Optional: forget what the provider holds for a photo (best effort). */
  forgetPhoto?(photoRef: string, ctx: ProviderContext): Promise<void>;
  /**
   * Optional: proves the key works with the provider's cheapest documented call, one that spends
   * no credits (an account or balance read). Used by `try-on-endpoint check`. Resolves with a
   * short account summary safe to print (never the key); throws ProviderError('auth') when the
   * provider refuses the key, other kinds when it cannot be asked.
   */
  checkKey?(ctx: ProviderContext): Promise<string>;
  /**
   * Optional: the account's remaining credits, where the provider tells them (VistoureAI's token
   * balance, VirtuFit's `credits_remaining`); undefined when not known yet. For the admin report.
   */
  credits?(ctx: ProviderContext): Promise<{ remaining: number; unit: string } | undefined>;
}
