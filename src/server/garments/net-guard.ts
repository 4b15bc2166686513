/**
 * Which network addresses the endpoint may fetch from on a shopper's behalf. Only public unicast
 * addresses (ipaddr.js ranges), so a garment URL cannot reach the merchant's private network,
 * the cloud metadata service (169.254.169.254) or the machine itself, whatever DNS or a request's
 * Host header says. The one exception is the development setting `TRYON_DEV_ALLOW_LOOPBACK`
 * (option `devAllowLoopback`, the demo turns it on): loopback addresses, this machine only, for a
 * garment served by a local dev server. Private networks and link-local stay refused even then.
 */
import ipaddr from 'ipaddr.js';
import { ApiError } from '../http/api-error.ts';

/** Resolves a host name to every address it has (A and AAAA). */
export type Resolver = (hostname: string) => Promise<string[]>;

/** The range name of an address (`unicast` for public ones), IPv4-mapped IPv6 seen as IPv4. */
export function addressRange(address: string): string {
  try {
    return ipaddr.process(address.replace(/^\[|\]$/g, '')).range();
  } catch {
    return 'invalid';
  }
}

/** Whether `address` may be fetched: public unicast, or loopback when `allowLoopback` (development). */
export function addressAllowed(address: string, allowLoopback = false): boolean {
  const range = addressRange(address);
  return range === 'unicast' || (allowLoopback && range === 'loopback');
}

export const addressRefused = (host: string) =>
  new ApiError(
    422,
    'garment_address_not_allowed',
    `The garment host ${host.slice(0, 100)} points to a private or local network address. Use a public image host (for local development only, the store owner can set TRYON_DEV_ALLOW_LOOPBACK=1).`,
    { logged: { host: host.slice(0, 100) } },
  );

const isIpLiteral = (hostname: string) => ipaddr.isValid(hostname.replace(/^\[|\]$/g, ''));

export interface AddressPolicy {
  /** Resolves host names; undefined on edge runtimes (no DNS API). */
  resolve: Resolver | undefined;
  /** The development setting: loopback addresses allowed too. */
  allowLoopback: boolean;
}

/**
 * The checked addresses of `hostname`: every one must be allowed, or ApiError
 * garment_address_not_allowed (422). Without a resolver (edge runtimes) only IP literals and
 * `localhost` are checked. `strict` (at connect time): a resolution failure is an error rather
 * than "nothing to check".
 */
export async function checkHostAddresses(hostname: string, policy: AddressPolicy, strict = false): Promise<string[]> {
  const { resolve, allowLoopback } = policy;
  const bare = hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIpLiteral(hostname)) addresses = [bare];
  else if (!resolve && /^localhost\.?$/i.test(bare)) addresses = ['127.0.0.1'];
  else if (!resolve) return [];
  else {
    try {
      addresses = await resolve(bare);
    } catch (error) {
      // Before a submit, a host we cannot resolve is not refused: we cannot reach it either, and a
      // provider that fetches by URL resolves it on its own network. At connect time it fails.
      if (!strict) return [];
      throw error;
    }
  }
  if (addresses.length === 0 || !addresses.every((a) => addressAllowed(a, allowLoopback))) throw addressRefused(hostname);
  return addresses;
}

/** Node's resolver (`dns.lookup`, all addresses, as connections would see them); undefined elsewhere. */
export async function nodeResolver(): Promise<Resolver | undefined> {
  if (!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node) return undefined;
  // A computed specifier keeps edge bundlers from trying to bundle a Node built-in.
  const specifier = 'node:dns';
  try {
    const dns = (await import(/* @vite-ignore */ specifier)) as typeof import('node:dns');
    return async (hostname) => (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return undefined;
  }
}
