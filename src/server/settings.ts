/**
 * HandlerOptions resolved to what the handler runs with, and every configuration mistake turned
 * into a startup error that names the setting (never its value: it may be a key).
 */
import type { HandlerOptions } from './options.ts';
import type { ProviderAdapter } from './providers/types.ts';
import type { AccountLimits } from './providers/budget.ts';
import type { Store } from './store/store.ts';
import { MemoryStore } from './store/store.ts';
import { getAdapter, PROVIDER_NAMES } from './providers/registry.ts';
import { toBase64Url } from './base64.ts';
import { parseRedisUrl, REDIS_PREFIX, RedisStore } from './store/redis-store.ts';
import type { ProviderSlot } from './providers/failover.ts';

export { ConfigError } from './config-error.ts';
import { ConfigError } from './config-error.ts';

export interface Settings {
  /** The primary provider (`TRYON_PROVIDER`); `adapter`, `apiKey`, `providerBaseUrl` repeat its fields. */
  adapter: ProviderAdapter;
  apiKey: string;
  providerBaseUrl: string;
  secret: string;
  /** True when no secret was configured and a random one was made for this process. */
  secretGenerated: boolean;
  allowedOrigins: string[];
  /** From configuration only: TRYON_GARMENT_HOSTS, else the host of TRYON_PUBLIC_URL, else none. */
  garmentHosts: string[];
  devAllowLoopback: boolean;
  publicUrl: string | undefined;
  basePath: string;
  store: Store;
  fetch: typeof fetch;
  providerOptions: Record<string, string>;
  /** The fallback providers in order (`TRYON_FALLBACK_PROVIDERS`), see failover.ts. */
  fallbacks: ProviderSlot[];
  now: () => number;
  products: NonNullable<HandlerOptions['products']>;
  resolveProduct: HandlerOptions['resolveProduct'];
  shopifySecret: string | undefined;
  turnstile: HandlerOptions['turnstile'];
  bodyTimeoutMs: number;
  resolveHost: HandlerOptions['resolveHost'];
  /** The primary account's limits: its document's, overridden by `providerLimits`. */
  providerLimits: AccountLimits;
  queueMaxWaitSec: number;
  providerRetention: 'delivered' | 'photo';
  adminSecret: string | undefined;
  creditsWarnBelow: number | undefined;
}

const stripSlash = (s: string) => s.replace(/\/+$/, '');

function checkUrl(value: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${setting} must be an absolute http(s) URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${setting} must be an absolute http(s) URL.`);
  return stripSlash(url.href);
}

/** A Redis store for `REDIS_URL`; connects on first use, reports connection trouble to the log sink. */
function redisStore(options: HandlerOptions, url: string): RedisStore {
  const urls = url.split(',').map((u) => u.trim());
  if (urls.length > 1 && !options.redisCluster) {
    throw new ConfigError(
      "REDIS_URL (option redisUrl) lists several addresses: that is a Redis Cluster's seed nodes, so set TRYON_REDIS_CLUSTER=1 (option redisCluster), or give one redis:// URL.",
    );
  }
  for (const u of urls) {
    let ok = /^rediss?:\/\/[^\s]+$/i.test(u);
    try {
      if (ok) parseRedisUrl(u);
    } catch {
      ok = false;
    }
    if (!ok)
      throw new ConfigError(
        'REDIS_URL (option redisUrl) must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0 (rediss:// for TLS).',
      );
  }
  let prefix = options.redisPrefix?.trim() || REDIS_PREFIX;
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(prefix)) {
    // No braces either: a hash tag in the prefix would put every key in one Cluster slot.
    throw new ConfigError(
      'TRYON_REDIS_PREFIX (option redisPrefix) must be 1 to 64 letters, digits, "_", ".", "-" or ":", e.g. tryon:shop-a:.',
    );
  }
  if (!prefix.endsWith(':')) prefix += ':';
  const sink = options.log ?? ((entry: object) => console.error(JSON.stringify(entry)));
  return new RedisStore(urls.join(','), {
    prefix,
    cluster: options.redisCluster ?? false,
    onError: (message) => sink({ level: 'warn', event: 'store', message }),
  });
}

/** Vercel's (and Next.js's) Edge runtime names itself in this global; Node and Workers have none. */
const onEdgeRuntime = () => typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime === 'string';

/**
 * Refuses a handler on the Edge runtime without a store of its own: per-isolate memory there would
 * charge a retried submit again in the next isolate, and ioredis (REDIS_URL) cannot run there.
 */
export function checkRuntime(options: HandlerOptions): void {
  if (onEdgeRuntime() && !options.store) {
    throw new ConfigError(
      "On the Edge runtime every request may run in another isolate and the endpoint has no store there, so quotas, idempotency and photos would not be shared (and REDIS_URL cannot connect). Run it on the Node.js runtime with REDIS_URL (export const runtime = 'nodejs'), or pass `store`, one Store every isolate shares.",
    );
  }
}

/** The secret's size in bytes (the rule is on bytes: 32 of them carry 256 bits at best). */
const byteLength = (text: string) => new TextEncoder().encode(text).length;
export const SECRET_MIN_BYTES = 32;

/** Resolves options, throwing ConfigError for anything that would fail later at a shopper's expense. */
export function resolveSettings(options: HandlerOptions = {}): Settings {
  const name = options.provider ?? 'demo';
  let adapter: ProviderAdapter | undefined = options.adapters?.[name];
  if (!adapter) {
    try {
      adapter = getAdapter(name);
    } catch {
      const names = [...new Set([...PROVIDER_NAMES, ...Object.keys(options.adapters ?? {})])];
      throw new ConfigError(`TRYON_PROVIDER (option provider) names an unknown provider. Choose one of: ${names.join(', ')}.`);
    }
  }
  const apiKey = options.apiKey?.trim() ?? '';
  if (name !== 'demo' && !apiKey) {
    throw new ConfigError(
      `TRYON_API_KEY (option apiKey) is required for the provider "${name}". Set it to the key from the provider's dashboard.`,
    );
  }
  const publicUrl = options.publicUrl ? checkUrl(options.publicUrl, 'TRYON_PUBLIC_URL (option publicUrl)') : undefined;
  if (adapter.needsPhotoUrl && !publicUrl) {
    throw new ConfigError(
      `The provider "${name}" downloads photos by URL, so TRYON_PUBLIC_URL (option publicUrl) is required: the public URL of this endpoint, e.g. https://shop.example/api/try-on.`,
    );
  }
  const providerBaseUrl = options.providerUrl
    ? checkUrl(options.providerUrl, 'TRYON_PROVIDER_URL (option providerUrl)')
    : defaultBase(adapter, name, 'TRYON_PROVIDER_URL (option providerUrl)');

  const allowedOrigins = (options.allowedOrigins ?? []).map((o) => stripSlash(o.trim())).filter(Boolean);
  for (const origin of allowedOrigins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      throw new ConfigError(
        `TRYON_ALLOWED_ORIGINS (option allowedOrigins) must list origins like https://shop.example (scheme and host, no path); "${origin.slice(0, 80)}" is not one.`,
      );
    }
  }
  const garmentHosts = options.garmentHosts?.map((h) => h.trim().toLowerCase()).filter(Boolean);
  for (const host of garmentHosts ?? []) {
    if (host.includes('/')) {
      throw new ConfigError(
        `TRYON_GARMENT_HOSTS (option garmentHosts) must list host names like cdn.example.com, without scheme or path; "${host.slice(0, 80)}" is not one.`,
      );
    }
  }

  const fallbacks = resolveFallbacks(options, name, publicUrl);

  let basePath = stripSlash(options.basePath?.trim() ?? '');
  if (basePath && !basePath.startsWith('/')) basePath = `/${basePath}`;

  if (options.adminSecret && options.adminSecret.length < 16) {
    throw new ConfigError('TRYON_ADMIN_SECRET (option adminSecret) must be at least 16 characters; use a long random string.');
  }
  const now = options.now ?? Date.now;
  const store = options.store ?? (options.redisUrl ? redisStore(options, options.redisUrl) : new MemoryStore(now));
  const secret = options.secret ?? '';
  if (secret && byteLength(secret) < SECRET_MIN_BYTES) {
    throw new ConfigError(
      `TRYON_SECRET (option secret) must be at least ${SECRET_MIN_BYTES} bytes; make one with \`openssl rand -base64 32\` and give every instance the same.`,
    );
  }
  if (!secret && store.shared) {
    throw new ConfigError(
      'TRYON_SECRET (option secret) is required when state is shared (REDIS_URL, a Durable Object): every instance must read the job tokens and photo handles the others make. Set the same value, at least 32 bytes (`openssl rand -base64 32`), on every instance.',
    );
  }
  return {
    adapter,
    apiKey,
    providerBaseUrl,
    secret: secret || toBase64Url(crypto.getRandomValues(new Uint8Array(32))),
    secretGenerated: !secret,
    allowedOrigins,
    garmentHosts: garmentHosts?.length ? garmentHosts : publicUrl ? [new URL(publicUrl).host] : [],
    devAllowLoopback: options.devAllowLoopback ?? false,
    publicUrl,
    basePath,
    store,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    providerOptions: options.providerOptions ?? {},
    fallbacks,
    now,
    products: options.products ?? {},
    resolveProduct: options.resolveProduct,
    shopifySecret: options.shopifySecret || undefined,
    turnstile: options.turnstile?.secret ? options.turnstile : undefined,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 30_000,
    providerLimits: { ...adapter.limits, ...options.providerLimits },
    queueMaxWaitSec: options.queueMaxWaitSec ?? 300,
    providerRetention: options.providerRetention ?? 'delivered',
    adminSecret: options.adminSecret || undefined,
    creditsWarnBelow: options.creditsWarnBelow,
    resolveHost: options.resolveHost,
  };
}

/** The environment prefix of a fallback's own settings: `vistoure-pro` → `TRYON_VISTOURE_PRO_`. */
/**
 * The adapter's documented base URL; a provider whose document names no API host has none, and
 * starting without the merchant's value would send every try-on to a guessed host.
 */
function defaultBase(adapter: ProviderAdapter, name: string, setting: string): string {
  if (adapter.defaultBaseUrl) return stripSlash(adapter.defaultBaseUrl);
  throw new ConfigError(
    `${setting} is required for the provider "${name}": its API document names no host. ${adapter.baseUrlHelp ?? 'Ask the provider for the API base URL.'}`,
  );
}

export const fallbackEnvPrefix = (name: string) => `TRYON_${name.toUpperCase().replace(/-/g, '_')}_`;

function resolveFallbacks(options: HandlerOptions, primary: string, publicUrl: string | undefined): ProviderSlot[] {
  const seen = new Set([primary]);
  return (options.fallbacks ?? []).map(({ provider, apiKey, providerUrl, providerOptions }) => {
    const name = provider.trim();
    const env = fallbackEnvPrefix(name);
    if (name === 'demo') {
      throw new ConfigError('TRYON_FALLBACK_PROVIDERS (option fallbacks) cannot name "demo": it is a stand-in, not a try-on service.');
    }
    if (seen.has(name)) {
      throw new ConfigError(
        `TRYON_FALLBACK_PROVIDERS (option fallbacks) names "${name}" twice or names the primary provider; list each fallback once.`,
      );
    }
    seen.add(name);
    let adapter: ProviderAdapter | undefined = options.adapters?.[name];
    if (!adapter) {
      try {
        adapter = getAdapter(name);
      } catch {
        throw new ConfigError(
          `TRYON_FALLBACK_PROVIDERS (option fallbacks) names an unknown provider "${name.slice(0, 40)}". Choose from: ${PROVIDER_NAMES.filter((n) => n !== 'demo').join(', ')}.`,
        );
      }
    }
    const key = apiKey?.trim() ?? '';
    if (!key) {
      throw new ConfigError(
        `${env}API_KEY (option fallbacks[].apiKey) is required for the fallback provider "${name}". Set it to the key from that provider's dashboard.`,
      );
    }
    if (adapter.needsPhotoUrl && !publicUrl) {
      throw new ConfigError(`The fallback provider "${name}" downloads photos by URL, so TRYON_PUBLIC_URL (option publicUrl) is required.`);
    }
    return {
      adapter,
      apiKey: key,
      providerBaseUrl: providerUrl
        ? checkUrl(providerUrl, `${env}PROVIDER_URL (option fallbacks[].providerUrl)`)
        : defaultBase(adapter, name, `${env}PROVIDER_URL (option fallbacks[].providerUrl)`),
      providerOptions: providerOptions ?? {},
    };
  });
}
