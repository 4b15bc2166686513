/**
 * The garment URL allowlist: a garment image may only come from hosts the merchant named, so the
 * endpoint (and the provider, which downloads it on the merchant's account) is never pointed at
 * arbitrary URLs.
 */
import { ApiError } from '../http/api-error.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether `url`'s host matches an allowlist entry: `host`, `host:port`, or `*.domain` (subdomains). */
export function hostAllowed(url: URL, allowed: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  return allowed.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    if (entry.startsWith('*.')) return hostname.endsWith(entry.slice(1)) && hostname.length > entry.length - 1;
    return entry === host || entry === hostname;
  });
}

/**
 * The checked absolute garment URL; throws garment_url_invalid or garment_host_not_allowed.
 * `devAllowLoopback` (TRYON_DEV_ALLOW_LOOPBACK): plain http is tolerated for this machine's names.
 */
export function checkGarmentUrl(value: string, allowed: readonly string[], devAllowLoopback = false): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiError(400, 'garment_url_invalid', 'The garment image must be an absolute https:// URL.');
  }
  if (url.username || url.password) {
    throw new ApiError(400, 'garment_url_invalid', 'The garment image URL must not contain a user name or password.');
  }
  const loopback = devAllowLoopback && LOOPBACK.has(url.hostname.toLowerCase());
  // http is only tolerable on this machine in development (the local demo); anywhere else it could be tampered with.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    const local = url.protocol === 'http:' && LOOPBACK.has(url.hostname.toLowerCase());
    throw new ApiError(
      400,
      'garment_url_invalid',
      local
        ? 'The garment image must be an https:// URL. For a development server on this machine, the store owner can set TRYON_DEV_ALLOW_LOOPBACK=1.'
        : 'The garment image must be an https:// URL.',
    );
  }
  if (!hostAllowed(url, allowed)) {
    throw new ApiError(
      422,
      'garment_host_not_allowed',
      `Garment images from ${url.host.slice(0, 100)} are not allowed. The store owner can add this host to TRYON_GARMENT_HOSTS.`,
      { logged: { host: url.host.slice(0, 100) } },
    );
  }
  return url.href;
}
