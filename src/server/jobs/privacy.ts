/**
 * What the endpoint holds for a shopper photo, and how it goes away:
 * - the photo itself, in the store under its handle, for PHOTO_TTL_MS (photos.ts);
 * - for URL-only providers, one file alias per job (`GET {base}/files/{id}`), recorded under the
 *   photo so it can be found again, and removed as soon as the job ends (or after PHOTO_TTL_MS);
 * - files published for a job's result (the demo's picture), recorded under the job and the photo;
 * - at the providers that keep photos (Vtry persons, Vtryon person images): provider-deletions.ts.
 * `DELETE {base}/photos/{photoRef}` removes all of them; `DELETE {base}/jobs/{job}` removes one
 * job's files and its cached result. Nothing is ever written to disk.
 */
import type { Store } from '../store/store.ts';
import { FileHost } from './files.ts';
import { photoKey, PHOTO_TTL_MS } from './photos.ts';

const aliasesKey = (ref: string) => `photo-files:${ref}`;
const jobFilesKey = (provider: string, jobId: string) => `job-files:${provider}:${jobId}`;
const fileKey = (id: string) => `file:${id}`;
/** File lists outlive every file they name: results are kept 25 h (the demo's), photos 1 h. */
const FILE_LIST_TTL_MS = 26 * 60 * 60 * 1000;

async function listOf(store: Store, key: string): Promise<string[]> {
  const raw = await store.get(key);
  return raw ? (JSON.parse(raw) as string[]) : [];
}

async function append(store: Store, key: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await store.set(key, JSON.stringify([...(await listOf(store, key)), ...ids].slice(-50)), FILE_LIST_TTL_MS);
}

/** The id of a file URL published by FileHost (its last path segment). */
export const fileIdOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** Publishes the stored photo at a public, unguessable URL for one job; returns the URL and the file id. */
export async function publishJobPhoto(
  store: Store,
  publicUrl: string,
  ref: string,
  type: string,
): Promise<{ url: string; fileId: string }> {
  const url = await new FileHost(store, publicUrl).publishAlias(photoKey(ref), type, PHOTO_TTL_MS);
  const fileId = fileIdOf(url);
  await append(store, aliasesKey(ref), [fileId]);
  return { url, fileId };
}

/**
 * Records the files published while a job was started (a demo result), under the job and under
 * the photo it was made from, so deleting either removes them.
 */
export async function recordJobFiles(
  store: Store,
  ref: string,
  provider: string,
  jobId: string,
  fileIds: readonly string[],
): Promise<void> {
  await append(store, jobFilesKey(provider, jobId), fileIds);
  await append(store, aliasesKey(ref), fileIds);
}

/** Removes the files published for one job (its results, its photo URL). Idempotent. */
export async function forgetJobFiles(store: Store, provider: string, jobId: string, photoFile?: string): Promise<void> {
  for (const id of [...(await listOf(store, jobFilesKey(provider, jobId))), ...(photoFile ? [photoFile] : [])])
    await store.delete(fileKey(id));
  await store.delete(jobFilesKey(provider, jobId));
}

/** Removes the photo URL of a job that ended: the provider has what it needed. */
export async function endJobPhoto(store: Store, fileId: string): Promise<void> {
  await store.delete(fileKey(fileId));
}

/**
 * Removes everything the endpoint itself holds for a photo: the photo and its file aliases.
 * What providers keep is deleted by provider-deletions.ts (at every provider it went to, retried
 * until done), so a provider outage never keeps the endpoint's own copy alive. Idempotent.
 */
export async function forgetPhoto(store: Store, ref: string): Promise<void> {
  await store.delete(photoKey(ref));
  for (const id of await listOf(store, aliasesKey(ref))) await store.delete(fileKey(id));
  await store.delete(aliasesKey(ref));
}
