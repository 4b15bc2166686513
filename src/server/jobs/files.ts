/**
 * Files the endpoint serves at `GET {base}/files/{id}`: demo results and, for providers that
 * fetch photos by URL, the shopper photo. Kept in the store as raw bytes (never on disk) under an
 * unguessable id until they expire, so whichever instance a provider's fetch reaches serves it.
 */
import type { Store } from '../store/store.ts';
import { toBase64Url } from '../base64.ts';
import { frame, unframe } from '../store/framed.ts';
import { loadPhotoAt } from './photos.ts';

interface FileHeader {
  type: string;
  /** The store key of a stored photo, so it is not kept twice; else the bytes follow the header. */
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
    return this.#put({ type }, ttlMs, bytes);
  }

  /** Publishes a photo already in the store under `storeKey` (see PhotoStore), without copying it. */
  async publishAlias(storeKey: string, type: string, ttlMs: number): Promise<string> {
    return this.#put({ type, alias: storeKey }, ttlMs);
  }

  async #put(header: FileHeader, ttlMs: number, bytes?: Uint8Array): Promise<string> {
    const id = newId();
    await this.store.setBytes(`file:${id}`, frame(header, bytes), ttlMs);
    return `${this.baseUrl}/files/${id}`;
  }
}

/** The bytes and type of a published file, or undefined when unknown or expired. */
export async function readFile(store: Store, id: string): Promise<{ bytes: Uint8Array; type: string } | undefined> {
  if (!ID_PATTERN.test(id)) return undefined;
  const value = await store.getBytes(`file:${id}`);
  const file = value && unframe<FileHeader>(value);
  if (!file) return undefined;
  if (!file.header.alias) return { bytes: file.body, type: file.header.type };
  const photo = await loadPhotoAt(store, file.header.alias);
  return photo && { bytes: photo.bytes, type: file.header.type };
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
