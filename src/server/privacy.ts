/**
 * What the endpoint holds for a shopper photo, and how it goes away:
 * - the photo itself, in the store under its handle, for PHOTO_TTL_MS (photos.ts);
 * - for URL-only providers, one file alias per job (`GET {base}/files/{id}`), recorded under the
 *   photo so it can be found again, and removed as soon as the job ends (or after PHOTO_TTL_MS);
 * - whatever an adapter cached for the photo (a provider-side person image id), via `forgetPhoto`.
 * `DELETE {base}/photos/{photoRef}` removes all three; nothing is ever written to disk.
 */
import type { Store } from './store.ts';
import type { ProviderAdapter, ProviderContext } from './providers/types.ts';
import { FileHost } from './files.ts';
import { photoKey, PHOTO_TTL_MS } from './photos.ts';

const aliasesKey = (ref: string) => `photo-files:${ref}`;
const fileKey = (id: string) => `file:${id}`;

async function aliasesOf(store: Store, ref: string): Promise<string[]> {
  const raw = await store.get(aliasesKey(ref));
  return raw ? (JSON.parse(raw) as string[]) : [];
}

/** Publishes the stored photo at a public, unguessable URL for one job; returns the URL and the file id. */
export async function publishJobPhoto(store: Store, publicUrl: string, ref: string, type: string): Promise<{ url: string; fileId: string }> {
  const url = await new FileHost(store, publicUrl).publishAlias(photoKey(ref), type, PHOTO_TTL_MS);
  const fileId = url.slice(url.lastIndexOf('/') + 1);
  const aliases = await aliasesOf(store, ref);
  await store.set(aliasesKey(ref), JSON.stringify([...aliases, fileId].slice(-50)), PHOTO_TTL_MS);
  return { url, fileId };
}

/** Removes the photo URL of a job that ended: the provider has what it needed. */
export async function endJobPhoto(store: Store, fileId: string): Promise<void> {
  await store.delete(fileKey(fileId));
}

/**
 * Removes everything held for a photo: the photo, its file aliases, and what the adapter cached
 * (best effort: a provider outage must not keep the endpoint's own copy alive). Idempotent.
 */
export async function forgetPhoto(store: Store, ref: string, adapter: ProviderAdapter, ctx: ProviderContext): Promise<void> {
  await store.delete(photoKey(ref));
  for (const id of await aliasesOf(store, ref)) await store.delete(fileKey(id));
  await store.delete(aliasesKey(ref));
  try {
    await adapter.forgetPhoto?.(ref, ctx);
  } catch {
    // The provider side is best effort; the endpoint's copies are already gone.
  }
}
