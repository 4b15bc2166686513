/**
 * Files the endpoint serves at `GET {base}/files/{id}`: demo results and, for providers that
 * fetch photos by URL, the shopper photo. Kept in the store (never on disk) under an
 * unguessable id until they expire.
 */
import type { Store } from '../store/store.ts';
import { fromBase64, toBase64, toBase64Url } from '../base64.ts';

interface FileEntry {
  type: string;
  /** The bytes, base64; or `alias`: the store key of a stored photo, so it is not kept twice. */
  data?: string;
  alias?: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

const newId = () => toBase64Url(crypto.getRandomValues(new Uint8Array(24)));

export class FileHost {
  constructor(
    private readonly store: Store,
    private readonly baseUrl: string,
  ) {}

  /** Publishes bytes; returns their absolute URL. */
  async publish(bytes: Uint8Array, type: string, ttlMs: number): Promise<string> {
    return this.#put({ type, data: toBase64(bytes) }, ttlMs);
  }

  /** Publishes a photo already in the store under `storeKey` (see PhotoStore), without copying it. */
  async publishAlias(storeKey: string, type: string, ttlMs: number): Promise<string> {
    return this.#put({ type, alias: storeKey }, ttlMs);
  }

  async #put(entry: FileEntry, ttlMs: number): Promise<string> {
    const id = newId();
    await this.store.set(`file:${id}`, JSON.stringify(entry), ttlMs);
    return `${this.baseUrl}/files/${id}`;
  }
}

/** The bytes and type of a published file, or undefined when unknown or expired. */
export async function readFile(store: Store, id: string): Promise<{ bytes: Uint8Array; type: string } | undefined> {
  if (!ID_PATTERN.test(id)) return undefined;
  const raw = await store.get(`file:${id}`);
  if (!raw) return undefined;
  const entry = JSON.parse(raw) as FileEntry;
  let data = entry.data;
  if (entry.alias) {
    const aliased = await store.get(entry.alias);
    data = aliased ? (JSON.parse(aliased) as { data: string }).data : undefined;
  }
  return data === undefined ? undefined : { bytes: fromBase64(data), type: entry.type };
}

/** Headers for serving a published file: never sniffed, never shared by caches, SVG unable to run scripts. */
export function fileHeaders(type: string, bytes: number): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': type,
    'content-length': String(bytes),
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'cross-origin',
    'content-security-policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
  };
  return headers;
}
