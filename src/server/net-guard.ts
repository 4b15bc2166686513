/**
 * Which network addresses the endpoint may fetch from on a shopper's behalf. Only public unicast
 * addresses (ipaddr.js ranges), so a garment URL cannot reach the merchant's private network,
 * the cloud metadata service (169.254.169.254) or the machine itself, whatever DNS says; the one
 * exception is a loopback host name the merchant allowlisted on purpose (local development),
 * which may then reach loopback addresses only.
 */
import ipaddr from 'ipaddr.js';
import { ApiError } from './api-error.ts';

/** Host names that mean "this machine"; allowlisting one of them is a deliberate choice. */
export const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

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

/** Whether `address` may be fetched for host name `hostname`. */
export function addressAllowed(address: string, hostname: string): boolean {
  const range = addressRange(address);
  if (LOOPBACK_NAMES.has(hostname.toLowerCase())) return range === 'loopback';
  return range === 'unicast';
}

export const addressRefused = (host: string) =>
  new ApiError(
    422,
    'garment_address_not_allowed',
    `The garment host ${host.slice(0, 100)} points to a private or local network address. Use a public image host.`,
  );

const isIpLiteral = (hostname: string) => ipaddr.isValid(hostname.replace(/^\[|\]$/g, ''));

/**
 * The checked addresses of `hostname`: every one must be allowed, or ApiError
 * garment_address_not_allowed (422). Without a resolver (edge runtimes) only IP literals are checked.
 * `strict` (at connect time): a resolution failure is an error rather than "nothing to check".
 */
export async function checkHostAddresses(hostname: string, resolve: Resolver | undefined, strict = false): Promise<string[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIpLiteral(hostname)) addresses = [bare];
  else if (LOOPBACK_NAMES.has(hostname.toLowerCase()) && !resolve) addresses = ['127.0.0.1'];
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
  if (addresses.length === 0 || !addresses.every((a) => addressAllowed(a, hostname))) throw addressRefused(hostname);
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
