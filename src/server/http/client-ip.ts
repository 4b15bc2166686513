/**
 * The client address that per-IP limits count against: the connecting socket on Node, or, only
 * when TRYON_TRUST_PROXY names one, the header the merchant's own proxy sets. A header the
 * merchant did not vouch for is never read, since any client can send one.
 */
import ipaddr from 'ipaddr.js';
import type { TrustProxy } from '../limits/limits-config.ts';

/**
 * The limit key for an address. IPv6 is counted per /64: one subscriber usually holds a whole
 * /64 and could otherwise rotate through 2^64 addresses to dodge the limit.
 * Undefined when `raw` is not an IP address.
 */
export function ipKey(raw: string | undefined): string | undefined {
  const value = raw?.trim().replace(/^\[|\]$/g, '');
  if (!value || !ipaddr.isValid(value)) return undefined;
  const ip = ipaddr.process(value);
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/** The socket's peer address under @hono/node-server (`env.incoming`); other runtimes have none. */
function socketAddress(env: unknown): string | undefined {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined)?.incoming;
  const address = incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : undefined;
}

function fromHeader(headers: Headers, trust: TrustProxy): string | undefined {
  const value = headers.get(trust.header);
  if (!value) return undefined;
  if (trust.header !== 'x-forwarded-for') return value;
  // Entries left of the ones our proxies appended were written by the client and prove nothing.
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return entries[entries.length - trust.hops];
}

/**
 * The client's limit key (see ipKey), or undefined when the runtime does not say and no trusted
 * proxy header is configured (then per-IP limits cannot apply).
 */
export function clientIp(request: Request, env: unknown, trust: TrustProxy | undefined): string | undefined {
  if (trust) {
    const key = ipKey(fromHeader(request.headers, trust));
    if (key) return key;
  }
  return ipKey(socketAddress(env));
}
