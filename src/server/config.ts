/**
 * Handler options from the environment (the names in the README's configuration table).
 * Mistakes are startup errors naming the variable, never printing a value (it may be a key).
 */
import type { AccountLimits } from './providers/budget.ts';
import type { HandlerOptions } from './options.ts';
import { parseDailyLimit, parseRateLimits, resolveLimits } from './limits/limits-config.ts';
import type { FallbackOptions } from './providers/failover.ts';
import { ConfigError, fallbackEnvPrefix, resolveSettings } from './settings.ts';
import { loadCatalogFile } from './garments/catalog.ts';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `TRYON_PROVIDER_LIMITS=read=60,generate=10,concurrency=3` → AccountLimits (per minute; at once). */
export function parseProviderLimits(value: string): AccountLimits {
  const out: AccountLimits = {};
  const hint =
    'TRYON_PROVIDER_LIMITS must be comma-separated name=number pairs of read, write, generate (calls a minute) and concurrency (generations at once), e.g. read=60,write=30,generate=10,concurrency=3.';
  for (const pair of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^(read|write|generate|concurrency)=(\d{1,6})$/.exec(pair);
    if (!match || Number(match[2]) < 1) throw new ConfigError(hint);
    out[match[1] as keyof AccountLimits] = Number(match[2]);
  }
  return out;
}

/** `TRYON_PROVIDER_OPTIONS=seed=42,model_name=v2` → `{ seed: '42', model_name: 'v2' }`. */
function providerOptions(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of list(value)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError('TRYON_PROVIDER_OPTIONS must be comma-separated name=value pairs, e.g. seed=42,tier=fast.');
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Reads TRYON_PROVIDER, TRYON_API_KEY, TRYON_PROVIDER_URL, TRYON_SECRET, TRYON_ALLOWED_ORIGINS,
 * TRYON_GARMENT_HOSTS, TRYON_PUBLIC_URL, TRYON_BASE_PATH (and TRYON_PROVIDER_OPTIONS) into HandlerOptions, and
 * TRYON_FALLBACK_PROVIDERS with each fallback's TRYON_<NAME>_API_KEY / TRYON_<NAME>_PROVIDER_URL
 * (NAME upper-cased, '-' as '_', e.g. TRYON_VISTOURE_PRO_API_KEY).
 * Throws ConfigError when they cannot work together (e.g. a non-demo provider without a key).
 * PORT is read by the Node entry, not here.
 */
export function optionsFromEnv(env: Record<string, string | undefined>): HandlerOptions {
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const options: HandlerOptions = { provider: value('TRYON_PROVIDER') ?? 'demo' };
  const apiKey = value('TRYON_API_KEY');
  if (apiKey) options.apiKey = apiKey;
  const providerUrl = value('TRYON_PROVIDER_URL');
  if (providerUrl) options.providerUrl = providerUrl;
  const secret = value('TRYON_SECRET');
  if (secret) options.secret = secret;
  const origins = list(env.TRYON_ALLOWED_ORIGINS);
  if (origins.length) options.allowedOrigins = origins;
  const hosts = list(env.TRYON_GARMENT_HOSTS);
  if (hosts.length) options.garmentHosts = hosts;
  const basePath = value('TRYON_BASE_PATH');
  if (basePath) {
    if (!/^\/[A-Za-z0-9._~\/-]*$/.test(basePath)) throw new ConfigError('TRYON_BASE_PATH must be a URL path such as /api/try-on.');
    options.basePath = basePath;
  }
  const publicUrl = value('TRYON_PUBLIC_URL');
  if (publicUrl) options.publicUrl = publicUrl;
  const fallbacks = list(env.TRYON_FALLBACK_PROVIDERS).map((provider) => {
    const prefix = fallbackEnvPrefix(provider);
    const fallback: FallbackOptions = { provider };
    const key = value(`${prefix}API_KEY`);
    if (key) fallback.apiKey = key;
    const url = value(`${prefix}PROVIDER_URL`);
    if (url) fallback.providerUrl = url;
    return fallback;
  });
  if (fallbacks.length) options.fallbacks = fallbacks;
  const shopifySecret = value('TRYON_SHOPIFY_SECRET');
  if (shopifySecret) options.shopifySecret = shopifySecret;
  const turnstileSecret = value('TRYON_TURNSTILE_SECRET');
  if (turnstileSecret) {
    const hostnames = list(env.TRYON_TURNSTILE_HOSTNAMES);
    const verifyUrl = value('TRYON_TURNSTILE_VERIFY_URL');
    options.turnstile = { secret: turnstileSecret, ...(hostnames.length ? { hostnames } : {}), ...(verifyUrl ? { verifyUrl } : {}) };
  }
  const catalog = value('TRYON_CATALOG');
  if (catalog) options.products = loadCatalogFile(catalog);
  const extra = providerOptions(env.TRYON_PROVIDER_OPTIONS);
  if (Object.keys(extra).length) options.providerOptions = extra;
  const redisUrl = value('REDIS_URL');
  if (redisUrl) options.redisUrl = redisUrl;
  const redisPrefix = value('TRYON_REDIS_PREFIX');
  if (redisPrefix) options.redisPrefix = redisPrefix;
  const redisCluster = value('TRYON_REDIS_CLUSTER');
  if (redisCluster !== undefined) {
    if (!/^(1|true|0|false)$/i.test(redisCluster))
      throw new ConfigError('TRYON_REDIS_CLUSTER must be 1 (REDIS_URL names a Redis Cluster) or 0.');
    options.redisCluster = /^(1|true)$/i.test(redisCluster);
  }
  const rateLimits = value('TRYON_RATE_LIMITS');
  if (rateLimits) options.rateLimits = parseRateLimits(rateLimits);
  const providerLimits = value('TRYON_PROVIDER_LIMITS');
  if (providerLimits) options.providerLimits = parseProviderLimits(providerLimits);
  const adminSecret = value('TRYON_ADMIN_SECRET');
  if (adminSecret) options.adminSecret = adminSecret;
  const warnBelow = value('TRYON_CREDITS_WARN_BELOW');
  if (warnBelow) {
    if (!/^\d{1,9}$/.test(warnBelow)) throw new ConfigError('TRYON_CREDITS_WARN_BELOW must be a whole number of credits, e.g. 100.');
    options.creditsWarnBelow = Number(warnBelow);
  }
  const retention = value('TRYON_PROVIDER_RETENTION');
  if (retention) {
    if (retention !== 'delivered' && retention !== 'photo') {
      throw new ConfigError(
        'TRYON_PROVIDER_RETENTION must be delivered (delete the photo at the provider once its result is delivered) or photo (when the photo handle expires, after an hour).',
      );
    }
    options.providerRetention = retention;
  }
  const queueMaxWait = value('TRYON_QUEUE_MAX_WAIT');
  if (queueMaxWait) {
    if (!/^\d{1,6}$/.test(queueMaxWait)) throw new ConfigError('TRYON_QUEUE_MAX_WAIT must be a whole number of seconds, e.g. 300.');
    options.queueMaxWaitSec = Number(queueMaxWait);
  }
  const dailyLimit = value('TRYON_DAILY_LIMIT');
  if (dailyLimit) options.dailyLimit = parseDailyLimit(dailyLimit);
  const trustProxy = value('TRYON_TRUST_PROXY');
  if (trustProxy) options.trustProxy = trustProxy;
  const devLoopback = value('TRYON_DEV_ALLOW_LOOPBACK');
  if (devLoopback !== undefined) {
    if (!/^(1|true|0|false)$/i.test(devLoopback))
      throw new ConfigError('TRYON_DEV_ALLOW_LOOPBACK must be 1 (on, for local development only) or 0.');
    options.devAllowLoopback = /^(1|true)$/i.test(devLoopback);
  }
  resolveLimits(options);
  // Fail now, at startup, rather than on the first shopper's request (TRYON_SECRET's rules included).
  resolveSettings(options);
  return options;
}

/** The Node server's port from PORT; `fallback` when unset. */
export function portFromEnv(env: Record<string, string | undefined>, fallback: number): number {
  const raw = env.PORT?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('PORT must be a whole number from 0 to 65535.');
  return port;
}

export { ConfigError };
