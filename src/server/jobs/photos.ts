/**
 * Shopper photos kept for about an hour under their signed handle (`photoRef`), so a second
 * product does not need the photo uploaded again. In the store only, as raw bytes with a small
 * header (framed.ts), never on disk.
 */
import type { Store } from '../store/store.ts';
import type { CheckedPhoto } from './photo.ts';
import { frame, unframe } from '../store/framed.ts';

export const PHOTO_TTL_MS = 60 * 60 * 1000;

export const photoKey = (ref: string) => `photo:${ref}`;

/** A stored photo and the scope (shop or origin) whose shopper sent it. */
export type StoredPhoto = CheckedPhoto & { scope: string };

interface PhotoHeader {
  type: CheckedPhoto['type'];
  width: number;
  height: number;
  scope: string;
}

export async function savePhoto(store: Store, ref: string, photo: CheckedPhoto, scope = 'self'): Promise<void> {
  const header: PhotoHeader = { type: photo.type, width: photo.width, height: photo.height, scope };
  await store.setBytes(photoKey(ref), frame(header, photo.bytes), PHOTO_TTL_MS);
}

/** The photo stored under `key` (a photo key, or a file alias of one), or undefined. */
export async function loadPhotoAt(store: Store, key: string): Promise<StoredPhoto | undefined> {
  const value = await store.getBytes(key);
  const framed = value && unframe<PhotoHeader>(value);
  if (!framed) return undefined;
  const { type, width, height, scope } = framed.header;
  return { type, width, height, scope, bytes: framed.body };
}

export const loadPhoto = (store: Store, ref: string) => loadPhotoAt(store, photoKey(ref));
