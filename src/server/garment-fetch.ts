/**
 * The one way the endpoint downloads a garment image (`ctx.fetchGarment` for adapters):
 * the URL is re-checked against the allowlist (https only; http only for an allowlisted loopback
 * name), every address of the host must be public (net-guard.ts) and, on Node, the connection
 * is pinned to the addresses just checked (an undici Agent whose `connect.lookup` checks), so DNS
 * rebinding between check and connect gets nowhere. No redirect is followed, the size is capped
 * while the body streams, and the whole download has a deadline.
 * Edge runtimes (Workers, Vercel Edge) have no DNS API: there only IP literals are checked, and
 * their fetch cannot reach private networks in the first place.
 */
import { imageSize } from 'image-size';
import type { Dispatcher } from 'undici';
import { ProviderError } from './providers/errors.ts';
import { checkGarmentUrl } from './garment.ts';
import { checkHostAddresses, nodeResolver, type Resolver } from './net-guard.ts';

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

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', svg: 'image/svg+xml' };

const garmentProblem = (message: string, cause?: unknown) => new ProviderError('rejected', message, { code: 'garment_rejected', cause });

interface Transport {
  resolve: Resolver | undefined;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
}

/**
 * On Node: undici's fetch through an Agent that checks and pins every connection's addresses
 * (resolved by `resolver`, default dns.lookup). Elsewhere: the runtime's fetch.
 */
export async function createTransport(resolver?: Resolver): Promise<Transport> {
  {
    const resolve = resolver ?? (await nodeResolver());
    const isNode = Boolean((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node);
    if (!resolve || !isNode) return { resolve, fetch: (url, init) => globalThis.fetch(url, init) };
    const specifier = 'undici';
    const undici = (await import(/* @vite-ignore */ specifier)) as typeof import('undici');
    const agent: Dispatcher = new undici.Agent({
      connect: {
        lookup: (hostname, options, callback) => {
          checkHostAddresses(hostname, resolve, true).then(
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
      resolve,
      fetch: (url, init) => undici.fetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>,
    };
  }
}

let sharedTransport: Promise<Transport> | undefined;
const defaultTransport = () => (sharedTransport ??= createTransport());

/**
 * A garment fetcher over `allowedHosts` (as TRYON_GARMENT_HOSTS). `transport` replaces the
 * network layer (a custom resolver via {@link createTransport}).
 */
export function createGarmentFetcher(allowedHosts: readonly string[], transport?: Promise<Transport>): GarmentFetcher {
  return async (rawUrl, limits = {}) => {
    const maxBytes = limits.maxBytes ?? GARMENT_MAX_BYTES;
    const url = new URL(checkGarmentUrl(rawUrl, allowedHosts));
    const { resolve, fetch } = await (transport ?? defaultTransport());
    // Checked here as well as at connect time, so a refusal is a clear 422 rather than a network error.
    await checkHostAddresses(url.hostname, resolve);
    const timeout = AbortSignal.timeout(limits.timeoutMs ?? GARMENT_TIMEOUT_MS);
    const signal = limits.signal ? AbortSignal.any([limits.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(url.href, { redirect: 'manual', signal });
    } catch (cause) {
      const refused = (cause as { cause?: unknown })?.cause;
      if (refused instanceof Error && 'code' in refused && (refused as { code?: unknown }).code === 'garment_address_not_allowed') throw refused;
      throw garmentProblem('The garment image could not be downloaded. Please check the product image and try again.', cause);
    }
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw garmentProblem(`The garment image could not be downloaded (HTTP ${response.status}). Please check the product image link.`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    const tooLarge = () => garmentProblem(`The garment image is larger than ${Math.round(maxBytes / (1024 * 1024))} MB. Please use a smaller product image.`);
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
export async function precheckGarmentAddress(rawUrl: string, transport?: Promise<Transport>): Promise<void> {
  const { resolve } = await (transport ?? defaultTransport());
  await checkHostAddresses(new URL(rawUrl).hostname, resolve);
}

export type { Transport as GarmentTransport };
