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
import { RedisStore } from './store/redis-store.ts';
import type { ProviderSlot } from './providers/failover.ts';

/** A configuration mistake found at startup. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

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
function redisStore(url: string, log: HandlerOptions['log']): RedisStore {
  if (!/^rediss?:\/\/[^\s]+$/i.test(url.trim())) {
    throw new ConfigError('REDIS_URL (option redisUrl) must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0.');
  }
  const sink = log ?? ((entry: object) => console.error(JSON.stringify(entry)));
  return new RedisStore(url.trim(), { onError: (message) => sink({ level: 'warn', event: 'store', message }) });
}

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
    throw new ConfigError(`TRYON_API_KEY (option apiKey) is required for the provider "${name}". Set it to the key from the provider's dashboard.`);
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
      throw new ConfigError(`TRYON_GARMENT_HOSTS (option garmentHosts) must list host names like cdn.example.com, without scheme or path; "${host.slice(0, 80)}" is not one.`);
    }
  }

  const fallbacks = resolveFallbacks(options, name, publicUrl);

  let basePath = stripSlash(options.basePath?.trim() ?? '');
  if (basePath && !basePath.startsWith('/')) basePath = `/${basePath}`;

  const secret = options.secret ?? '';
  if (options.adminSecret && options.adminSecret.length < 16) {
    throw new ConfigError('TRYON_ADMIN_SECRET (option adminSecret) must be at least 16 characters; use a long random string.');
  }
  if (secret && secret.length < 16) {
    throw new ConfigError('TRYON_SECRET (option secret) must be at least 16 characters; use a long random string.');
  }
  const now = options.now ?? Date.now;
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
    store: options.store ?? (options.redisUrl ? redisStore(options.redisUrl, options.log) : new MemoryStore(now)),
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
      throw new ConfigError(`TRYON_FALLBACK_PROVIDERS (option fallbacks) names "${name}" twice or names the primary provider; list each fallback once.`);
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
      throw new ConfigError(`${env}API_KEY (option fallbacks[].apiKey) is required for the fallback provider "${name}". Set it to the key from that provider's dashboard.`);
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
