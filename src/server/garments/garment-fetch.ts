/**
 * The one way the endpoint downloads a garment image (`ctx.fetchGarment` for adapters):
 * the URL is re-checked against the allowlist (https only; http only for loopback under the
 * development setting), every address of the host must be public (net-guard.ts) and, on Node, the
 * connection is pinned to the addresses just checked (an undici Agent whose `connect.lookup`
 * checks), so DNS rebinding between check and connect gets nowhere. A redirect is followed only
 * after its target passes the same checks (a few hops at most), the size is capped while the body
 * streams, and the whole download has a deadline.
 * Edge runtimes (Workers, Vercel Edge) have no DNS API: there only IP literals are checked, and
 * their fetch cannot reach private networks in the first place.
 */
import { imageSize } from 'image-size';
import type { Dispatcher } from 'undici';
import { ProviderError } from '../providers/errors.ts';
import { checkGarmentUrl } from './garment.ts';
import { checkHostAddresses, nodeResolver, type AddressPolicy, type Resolver } from './net-guard.ts';

export interface GarmentFile {
  bytes: Uint8Array;
  /** Sniffed from the bytes, not the Content-Type. */
  type: string;
}

export interface GarmentFetchLimits {
  maxBytes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type GarmentFetcher = (url: string, limits?: GarmentFetchLimits) => Promise<GarmentFile>;

export const GARMENT_MAX_BYTES = 8 * 1024 * 1024;
export const GARMENT_TIMEOUT_MS = 10_000;
/** Image CDNs redirect once or twice (a canonical host, a signed URL); more is not a garment. */
const MAX_REDIRECTS = 3;

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', svg: 'image/svg+xml' };

const garmentProblem = (message: string, cause?: unknown) => new ProviderError('rejected', message, { code: 'garment_rejected', cause });

interface Transport {
  policy: AddressPolicy;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
}

export interface TransportOptions {
  /** Resolves host names (tests, custom DNS). Default: dns.lookup on Node, none elsewhere. */
  resolver?: Resolver | undefined;
  /** The development setting TRYON_DEV_ALLOW_LOOPBACK: loopback addresses may be fetched. */
  allowLoopback?: boolean | undefined;
}

/**
 * On Node: undici's fetch through an Agent that checks and pins every connection's addresses
 * (resolved by `resolver`, default dns.lookup). Elsewhere: the runtime's fetch.
 */
export async function createTransport(options: TransportOptions = {}): Promise<Transport> {
  {
    const resolve = options.resolver ?? (await nodeResolver());
    const policy: AddressPolicy = { resolve, allowLoopback: options.allowLoopback ?? false };
    const isNode = Boolean((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node);
    if (!resolve || !isNode) return { policy, fetch: (url, init) => globalThis.fetch(url, init) };
    const specifier = 'undici';
    const undici = (await import(/* @vite-ignore */ specifier)) as typeof import('undici');
    const agent: Dispatcher = new undici.Agent({
      connect: {
        lookup: (hostname, options, callback) => {
          checkHostAddresses(hostname, policy, true).then(
            (addresses) => {
              const all = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
              if ((options as { all?: boolean }).all) (callback as (e: null, a: typeof all) => void)(null, all);
              else callback(null, all[0]!.address, all[0]!.family);
            },
            (error: unknown) => callback(error as Error, '', 0),
          );
        },
      },
    });
    return {
      policy,
      fetch: (url, init) => undici.fetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>,
    };
  }
}

// One agent per policy for the process: connections are pooled across requests.
const sharedTransports = new Map<boolean, Promise<Transport>>();

/** The process-wide transport for a loopback policy (the system resolver). */
export function defaultTransport(allowLoopback = false): Promise<Transport> {
  let transport = sharedTransports.get(allowLoopback);
  if (!transport) sharedTransports.set(allowLoopback, (transport = createTransport({ allowLoopback })));
  return transport;
}

const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;

/**
 * A garment fetcher over `allowedHosts` (as TRYON_GARMENT_HOSTS) and `transport`'s address policy
 * (see {@link createTransport}).
 */
export function createGarmentFetcher(allowedHosts: readonly string[], transport: Promise<Transport> = defaultTransport()): GarmentFetcher {
  return async (rawUrl, limits = {}) => {
    const maxBytes = limits.maxBytes ?? GARMENT_MAX_BYTES;
    const { policy, fetch } = await transport;
    const timeout = AbortSignal.timeout(limits.timeoutMs ?? GARMENT_TIMEOUT_MS);
    const signal = limits.signal ? AbortSignal.any([limits.signal, timeout]) : timeout;
    let href = rawUrl;
    let response: Response | undefined;
    for (let hop = 0; ; hop++) {
      // Every hop passes the allowlist and the address check before a byte is sent to it; the
      // addresses are checked here as well as at connect time, so a refusal is a clear 422.
      const url = new URL(checkGarmentUrl(href, allowedHosts, policy.allowLoopback));
      await checkHostAddresses(url.hostname, policy);
      try {
        response = await fetch(url.href, { redirect: 'manual', signal });
      } catch (cause) {
        const refused = (cause as { cause?: unknown })?.cause;
        if (refused instanceof Error && 'code' in refused && (refused as { code?: unknown }).code === 'garment_address_not_allowed')
          throw refused;
        throw garmentProblem('The garment image could not be downloaded. Please check the product image and try again.', cause);
      }
      const location = response.headers.get('location');
      if (!isRedirect(response.status) || !location) break;
      await response.body?.cancel().catch(() => {});
      if (hop >= MAX_REDIRECTS) throw garmentProblem('The garment image link redirects too many times. Please link the image itself.');
      href = new URL(location, url).href;
    }
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw garmentProblem(`The garment image could not be downloaded (HTTP ${response.status}). Please check the product image link.`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    const tooLarge = () =>
      garmentProblem(`The garment image is larger than ${Math.round(maxBytes / (1024 * 1024))} MB. Please use a smaller product image.`);
    if (declared > maxBytes) {
      await response.body.cancel().catch(() => {});
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => {});
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw garmentProblem('The garment image download was interrupted or too slow. Please try again.', error);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    let kind: string | undefined;
    try {
      kind = imageSize(bytes).type;
    } catch {
      kind = undefined;
    }
    const type = kind ? TYPES[kind] : undefined;
    if (!type) throw garmentProblem('The garment link does not point to a PNG, JPEG, WebP, GIF or SVG image.');
    return { bytes, type };
  };
}

/** Checks a garment URL's addresses before any provider is called (zero credits spent on a refusal). */
export async function precheckGarmentAddress(rawUrl: string, transport: Promise<Transport> = defaultTransport()): Promise<void> {
  const { policy } = await transport;
  await checkHostAddresses(new URL(rawUrl).hostname, policy);
}
