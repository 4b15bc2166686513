/**
 * Shopper photos kept for about an hour under their signed handle (`photoRef`), so a second
 * product does not need the photo uploaded again. In the store only, base64, never on disk.
 */
import type { Store } from '../store/store.ts';
import type { CheckedPhoto } from './photo.ts';
import { fromBase64, toBase64 } from '../base64.ts';

export const PHOTO_TTL_MS = 60 * 60 * 1000;

export const photoKey = (ref: string) => `photo:${ref}`;

/** A stored photo and the scope (shop or origin) whose shopper sent it. */
export type StoredPhoto = CheckedPhoto & { scope: string };

export async function savePhoto(store: Store, ref: string, photo: CheckedPhoto, scope = 'self'): Promise<void> {
  const entry = { type: photo.type, width: photo.width, height: photo.height, scope, data: toBase64(photo.bytes) };
  await store.set(photoKey(ref), JSON.stringify(entry), PHOTO_TTL_MS);
}

export async function loadPhoto(store: Store, ref: string): Promise<StoredPhoto | undefined> {
  const raw = await store.get(photoKey(ref));
  if (!raw) return undefined;
  const entry = JSON.parse(raw) as { type: CheckedPhoto['type']; width: number; height: number; scope?: string; data: string };
  return { type: entry.type, width: entry.width, height: entry.height, scope: entry.scope ?? 'self', bytes: fromBase64(entry.data) };
}
