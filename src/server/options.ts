import type { AccountLimits } from './providers/budget.ts';
import type { Category } from '../protocol.ts';
import type { Store } from './store/store.ts';
import type { ProviderAdapter } from './providers/types.ts';
import type { ProductResolver } from './garments/catalog.ts';
import type { TurnstileOptions } from './limits/turnstile.ts';
import type { RateLimitOptions } from './limits/limits-config.ts';
import type { FallbackOptions } from './providers/failover.ts';

/** Options of {@link createTryOnHandler}; the same settings as the TRYON_* environment variables. */
export interface HandlerOptions {
  /** Provider name as in `TRYON_PROVIDER` (`demo`, `vistoure`, ...). Default `'demo'` (no key needed). */
  provider?: string;
  /** The provider's API key (`TRYON_API_KEY`). Required for every provider but `demo`; never sent to browsers or logged. */
  apiKey?: string;
  /** Base URL override for the provider API (`TRYON_PROVIDER_URL`), e.g. a local fake or a staging host. */
  providerUrl?: string;
  /**
   * The endpoint's secret (`TRYON_SECRET`), at least 32 bytes (`openssl rand -base64 32`): the job
   * tokens' key, the photo handles' key and the providers' (VirtuFit's webhook secret) are each
   * derived from it by HKDF. Required whenever state is shared (`redisUrl`, a Durable Object, any
   * `store` whose `shared` is true): every instance must hold the same one. Without shared state it
   * may be left out: a random per-process secret is made (and a warning logged), and tokens then
   * do not survive a restart.
   */
  secret?: string;
  /** Storefront origins allowed to call the endpoint from a browser (`TRYON_ALLOWED_ORIGINS`), exact match, e.g. `https://shop.example`. Same-origin calls are always allowed. */
  allowedOrigins?: string[];
  /**
   * Hosts garment image URLs may come from (`TRYON_GARMENT_HOSTS`), e.g. `cdn.shopify.com`;
   * `*.example.com` allows subdomains; `cdn.example.com:8443` pins a port (an entry without a port
   * allows any port). Default: the host of `publicUrl` when set, else none. Never derived from a
   * request (its Host header is the client's to choose).
   */
  garmentHosts?: string[];
  /**
   * Development only (`TRYON_DEV_ALLOW_LOOPBACK=1`): garment images may come from this machine's
   * loopback addresses (and over plain http there), e.g. a local dev server on 127.0.0.1. Private
   * networks and link-local addresses (the cloud metadata service) are refused even then. Off by
   * default; the demo (`npm start`) turns it on. A warning is logged at startup while it is on.
   */
  devAllowLoopback?: boolean;
  /**
   * Public URL of the endpoint base as the internet sees it (`TRYON_PUBLIC_URL`), e.g.
   * `https://shop.example/api/try-on`. Needed by providers that fetch the photo by URL and for
   * webhooks; without it, file URLs are built from the request's own origin.
   */
  publicUrl?: string;
  /** Path prefix the routes live under (`TRYON_BASE_PATH`), e.g. `'/api/try-on'`. Default `''` (the routes at `/`). */
  basePath?: string;
  /**
   * Where endpoint state lives (status cache, idempotency, photos, files, limits): any
   * implementation of the Store contract. Default: in memory, or Redis with `redisUrl`; on Workers
   * the Durable Object store. A store whose `shared` is true requires `secret`.
   */
  store?: Store;
  /**
   * Redis for all endpoint state (`REDIS_URL`, e.g. `redis://:password@10.0.0.5:6379/0`, `rediss://` for
   * TLS), so several instances share limits, caps, idempotency and the status cache. Ignored when
   * `store` is given. While Redis is unreachable requests get 503 with Retry-After. With
   * `redisCluster`, one or more seed nodes of a Redis Cluster, comma-separated. Node runtimes only.
   */
  redisUrl?: string;
  /**
   * Prefix of every Redis key (`TRYON_REDIS_PREFIX`, default `tryon:`): give each deployment
   * sharing one Redis its own (e.g. `tryon:shop-a:`), or they share daily caps and idempotency keys.
   */
  redisPrefix?: string;
  /** `redisUrl` names a Redis Cluster's seed nodes (`TRYON_REDIS_CLUSTER=1`). */
  redisCluster?: boolean;
  /**
   * Request limits per policy (`TRYON_RATE_LIMITS=submit-ip=30/1m,poll-shopper=120/1m,shop-day=1000`),
   * over the defaults in limits-config.ts; `false` (env `off`) turns one off.
   */
  rateLimits?: RateLimitOptions;
  /** Generations per UTC day across all shops, the spend breaker (`TRYON_DAILY_LIMIT`). Default 1000; `false` turns it off. */
  dailyLimit?: number | false;
  /**
   * The primary provider account's limits, over those its document states
   * (`TRYON_PROVIDER_LIMITS=read=60,write=30,generate=10,concurrency=3`, calls per minute and
   * generations at once), e.g. for a plan with other limits.
   */
  providerLimits?: AccountLimits;
  /**
   * The longest wait in the account's line a shopper is offered (`TRYON_QUEUE_MAX_WAIT`, seconds,
   * default 300): a submit whose estimated wait is longer is answered 503 `provider_busy`.
   */
  queueMaxWaitSec?: number;
  /**
   * When the shopper's photo is deleted at the providers that keep it (Vtry persons, Vtryon person
   * images; `TRYON_PROVIDER_RETENTION`): `delivered` (default) once the photo's last job delivered
   * its result or failed, and at the latest when the photo handle expires; `photo` when the handle
   * expires (an hour), so a second product reuses what the provider holds.
   */
  providerRetention?: 'delivered' | 'photo';
  /**
   * The merchant's secret for `GET {endpoint}/admin/providers` (`TRYON_ADMIN_SECRET`, at least 16
   * characters), sent as `Authorization: Bearer <secret>`. Without it the route does not exist.
   */
  adminSecret?: string;
  /** A warning is logged when a provider's remaining credits fall under this (`TRYON_CREDITS_WARN_BELOW`). */
  creditsWarnBelow?: number;
  /**
   * The header a proxy in front of the endpoint sets to the client IP (`TRYON_TRUST_PROXY`), e.g.
   * `x-forwarded-for`, `x-forwarded-for:2`, `cf-connecting-ip`. Unset: the connecting socket's address.
   */
  trustProxy?: string;
  /** fetch used for provider calls (and the demo's garment download). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /**
   * Providers tried in order when the primary is busy or down at submit
   * (`TRYON_FALLBACK_PROVIDERS`, each with `TRYON_<NAME>_API_KEY` and optional
   * `TRYON_<NAME>_PROVIDER_URL`). Only failures that certainly started nothing are failed over
   * (see failover.ts); a fallback is skipped for categories it cannot dress. Polls go to the
   * provider that took the job; health still names the primary.
   */
  fallbacks?: FallbackOptions[];
  /** Adapter options (e.g. `seed`, `model_name`, `tier`), passed as `ctx.options`. */
  providerOptions?: Record<string, string>;
  /** Adapter registry override by name (tests); falls back to the built-in registry. */
  adapters?: Record<string, ProviderAdapter>;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
  /** Receives one structured entry per request and per problem. Default: one JSON line on stdout/stderr. */
  log?: (entry: object) => void;
  /**
   * Products the widget may name with `product` instead of a garment URL, by product id.
   * A garment URL sent by the widget wins; `product` then only describes the garment.
   */
  products?: Record<string, { garment: string; category?: Category; description?: string }>;
  /**
   * Resolves a `product` id the widget sent (after the callback, `products` is consulted), e.g.
   * from the shop's database. `scope` is `shop:{domain}`, `origin:{origin}` or `self`.
   * `TRYON_CATALOG` (a JSON file of products) fills `products` on Node.
   */
  resolveProduct?: ProductResolver;
  /**
   * Shopify app proxy mode (`TRYON_SHOPIFY_SECRET`, the app's client secret): the try-on routes
   * accept only requests carrying Shopify's proxy signature, at most 5 minutes old, and the shop is
   * the verified `shop` parameter.
   */
  shopifySecret?: string;
  /** Cloudflare Turnstile before each submit (`TRYON_TURNSTILE_SECRET`, `TRYON_TURNSTILE_HOSTNAMES`). */
  turnstile?: TurnstileOptions;
  /** How long a submit body may take to arrive, ms (default 30 000); slower bodies get 408 body_timeout. */
  bodyTimeoutMs?: number;
  /** Resolves host names for the garment address check (custom DNS, tests). Default: the system resolver on Node. */
  resolveHost?: (hostname: string) => Promise<string[]>;
}
