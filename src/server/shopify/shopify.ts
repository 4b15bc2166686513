/**
 * Shopify app proxy requests (`TRYON_SHOPIFY_SECRET`): Shopify forwards the storefront's
 * `/apps/...` calls with `shop`, `timestamp`, `signature` (and more) in the query. The signature
 * is checked exactly as Shopify documents it: drop `signature`; render each remaining key as
 * `key=value`, repeated keys' values joined with commas and empty values kept; sort those strings;
 * join them with nothing; hex HMAC-SHA256 with the app's secret; compare in constant time.
 * Web Crypto only, so it runs on every runtime.
 */

/** A signature older (or further in the future) than this is refused: replays stay short-lived. */
export const PROXY_MAX_AGE_SEC = 300;

const encoder = new TextEncoder();

/** The string Shopify signs for a query (everything but `signature`). */
export function proxySigningString(params: URLSearchParams): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === 'signature') continue;
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  return [...values]
    .map(([key, list]) => `${key}=${list.join(',')}`)
    .sort()
    .join('');
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** The hex signature Shopify would send for `params` (tests and tools). */
export async function signProxyQuery(params: URLSearchParams, secret: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(proxySigningString(params)));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

export type ProxyVerdict = { ok: true; shop: string } | { ok: false; reason: 'missing' | 'mismatch' | 'stale' | 'shop' };

const SHOP_PATTERN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * Verifies a proxied request's query. `nowMs` is the current time; the timestamp must lie
 * within {@link PROXY_MAX_AGE_SEC} of it either way (clock skew between Shopify and us).
 */
export async function verifyProxyQuery(params: URLSearchParams, secret: string, nowMs: number): Promise<ProxyVerdict> {
  const signature = params.getAll('signature');
  if (signature.length !== 1 || !/^[0-9a-f]{64}$/i.test(signature[0]!)) return { ok: false, reason: 'missing' };
  const mac = Uint8Array.from(signature[0]!.match(/../g)!, (h) => parseInt(h, 16));
  // subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), mac, encoder.encode(proxySigningString(params)));
  if (!valid) return { ok: false, reason: 'mismatch' };
  const timestamp = params.getAll('timestamp');
  const seconds = timestamp.length === 1 && /^\d{1,12}$/.test(timestamp[0]!) ? Number(timestamp[0]) : NaN;
  if (!Number.isFinite(seconds) || Math.abs(nowMs / 1000 - seconds) > PROXY_MAX_AGE_SEC) return { ok: false, reason: 'stale' };
  const shop = params.getAll('shop');
  if (shop.length !== 1 || !SHOP_PATTERN.test(shop[0]!)) return { ok: false, reason: 'shop' };
  return { ok: true, shop: shop[0]! };
}
