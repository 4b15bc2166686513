/**
 * What the widget keeps on the shopper's own device when they opt in ("Remember my photo"):
 * the processed photo with its endpoint handle, and the last results per product. IndexedDB via
 * idb-keyval, in a store of its own (database `try-on-button`, object store `kv`), same-origin,
 * so it belongs to this shop only and nothing else on the page touches it.
 *
 * Keys:
 * - `photo`: the processed JPEG's bytes and type with its size and handle (never the original file).
 * - `history:<product key>`: HistoryEntry[], newest first, at most HISTORY_PER_PRODUCT.
 * Both are dropped after MEMORY_TTL_MS; `forgetEverything` empties the store at once.
 *
 * The database is opened on first use only: nothing here runs before the shopper consents.
 */
import { clear, createStore, del, get, set, update, type UseStore } from 'idb-keyval';

/** Database and object store names (documented in the README's privacy section). */
export const MEMORY_DB = 'try-on-button';
export const MEMORY_STORE = 'kv';
/** A remembered photo or result is forgotten after 30 days even if the shopper never deletes it. */
export const MEMORY_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Results kept per product. */
export const HISTORY_PER_PRODUCT = 6;

const PHOTO_KEY = 'photo';
const historyKey = (product: string) => `history:${product}`;

/** The processed photo the shopper chose to keep on this device. */
export interface RememberedPhoto {
  /** The processed JPEG the endpoint received (upright, downscaled, metadata stripped). */
  blob: Blob;
  width: number;
  height: number;
  /** The endpoint's handle for it; it expires there after about an hour, the blob stays. */
  photoRef?: string;
  /** Epoch ms when it was saved. */
  savedAt: number;
}

/** One earlier result for a product. */
export interface HistoryEntry {
  /** Absolute URL of the result image (it may expire at the provider or the endpoint). */
  image: string;
  /** Epoch ms of the result. */
  date: number;
}

let store: UseStore | undefined;

// createStore opens the database at once; deferring it keeps "nothing read before consent" true.
function db(): UseStore {
  store ??= createStore(MEMORY_DB, MEMORY_STORE);
  return store;
}

function fresh(savedAt: number, now: number): boolean {
  return now - savedAt < MEMORY_TTL_MS;
}

/**
 * How the photo is stored: its bytes and type, not the Blob. WebKit refuses to store a Blob or
 * File in IndexedDB in an ephemeral session (Safari's private browsing, and WebKitGTK under
 * automation): the put fails with a null error. An ArrayBuffer is stored by every engine.
 */
interface StoredPhoto extends Omit<RememberedPhoto, 'blob'> {
  bytes: ArrayBuffer;
  type: string;
}

/** A saved record as read back: bytes (this version) or a Blob (saved before it). */
function toRemembered(saved: StoredPhoto | RememberedPhoto | undefined): RememberedPhoto | undefined {
  if (!saved) return undefined;
  if ('bytes' in saved && saved.bytes instanceof ArrayBuffer) {
    const { bytes, type, ...rest } = saved;
    return { ...rest, blob: new Blob([bytes], { type }) };
  }
  return 'blob' in saved && saved.blob instanceof Blob ? saved : undefined;
}

/** The remembered photo, if the shopper saved one in the last 30 days. */
export async function loadRememberedPhoto(now = Date.now()): Promise<RememberedPhoto | undefined> {
  const saved = await get<StoredPhoto | RememberedPhoto>(PHOTO_KEY, db());
  if (!saved) return undefined;
  const photo = toRemembered(saved);
  if (!photo || !fresh(photo.savedAt, now)) {
    await del(PHOTO_KEY, db());
    return undefined;
  }
  return photo;
}

/** Saves (or replaces) the remembered photo. */
export async function rememberPhoto(photo: RememberedPhoto): Promise<void> {
  const { blob, ...rest } = photo;
  const stored: StoredPhoto = { ...rest, bytes: await blob.arrayBuffer(), type: blob.type };
  await set(PHOTO_KEY, stored, db());
}

/** Replaces the handle of the remembered photo after the endpoint issued a new one. */
export async function updateRememberedRef(photoRef: string): Promise<void> {
  await update<StoredPhoto | RememberedPhoto | undefined>(PHOTO_KEY, (photo) => (photo ? { ...photo, photoRef } : photo), db());
}

/** The product's earlier results, newest first. */
export async function loadHistory(product: string, now = Date.now()): Promise<HistoryEntry[]> {
  const entries = (await get<HistoryEntry[]>(historyKey(product), db())) ?? [];
  return entries.filter((entry) => fresh(entry.date, now));
}

/** Adds a result at the front, keeping the newest HISTORY_PER_PRODUCT. Returns the new list. */
export async function addHistory(product: string, entry: HistoryEntry, now = Date.now()): Promise<HistoryEntry[]> {
  let next: HistoryEntry[] = [];
  await update<HistoryEntry[]>(
    historyKey(product),
    (old) => {
      const kept = (old ?? []).filter((e) => e.image !== entry.image && fresh(e.date, now));
      next = [entry, ...kept].slice(0, HISTORY_PER_PRODUCT);
      return next;
    },
    db(),
  );
  return next;
}

/** Removes one result (deleted by the shopper, or its image no longer loads). Returns the new list. */
export async function removeHistory(product: string, image: string): Promise<HistoryEntry[]> {
  let next: HistoryEntry[] = [];
  await update<HistoryEntry[]>(
    historyKey(product),
    (old) => {
      next = (old ?? []).filter((e) => e.image !== image);
      return next;
    },
    db(),
  );
  if (!next.length) await del(historyKey(product), db());
  return next;
}

/** "Delete my photo": the photo and every product's history, in one transaction. */
export async function forgetEverything(): Promise<void> {
  await clear(db());
}
