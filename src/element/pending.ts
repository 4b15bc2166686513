/**
 * The try-on in flight, remembered per tab so it survives a reload or a move to another product
 * page of the same shop. Part of the button's initial bundle: synchronous, no imports, tiny.
 *
 * Why sessionStorage (not IndexedDB): it survives reloads and same-tab navigation, the button
 * can read it synchronously without loading the panel or idb-keyval, and it ends with the tab,
 * so a job token never lingers on a shared device. It holds a signed job token and what was
 * asked (product, garment), never the photo.
 */

/** sessionStorage key holding every pending job of this tab, by `${endpoint} ${product key}`. */
export const PENDING_KEY = 'try-on-button:pending';

/** A job token outlives this by nothing: the endpoint's tokens expire after 24 hours. */
export const PENDING_TTL_MS = 24 * 60 * 60 * 1000;

/** One submitted job this tab is waiting for. */
export interface PendingJob {
  /** Resolved endpoint base URL (no trailing slash). */
  endpoint: string;
  /** What identifies the product on this page (see productKey). */
  key: string;
  /** Signed job token from the submit answer. */
  job: string;
  pollAfterMs: number;
  product?: string;
  garment?: string;
  category: string;
  /** Consent version the shopper accepted for this job. */
  consent: string;
  /** Epoch ms of the submit. */
  startedAt: number;
}

/** The product a job belongs to: the product id when set, else the garment image URL. */
export function productKey(product: string | null | undefined, garment: string | null | undefined): string {
  return product ? `product:${product}` : `garment:${garment ?? ''}`;
}

/** The endpoint attribute resolved as the client resolves it, without importing the client. */
export function endpointBase(value: string | null | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  try {
    const url = new URL(value.trim(), document.baseURI);
    url.hash = '';
    url.search = '';
    return url.href.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

function storage(): Storage | undefined {
  try {
    // Throws in some sandboxed iframes and with storage blocked: then nothing is remembered.
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

function readAll(now = Date.now()): Record<string, PendingJob> {
  const raw = storage()?.getItem(PENDING_KEY);
  if (!raw) return {};
  let all: Record<string, PendingJob>;
  try {
    all = JSON.parse(raw) as Record<string, PendingJob>;
  } catch {
    return {};
  }
  if (!all || typeof all !== 'object') return {};
  const fresh: Record<string, PendingJob> = {};
  for (const [id, job] of Object.entries(all)) {
    if (job && typeof job.job === 'string' && now - job.startedAt < PENDING_TTL_MS) fresh[id] = job;
  }
  return fresh;
}

function writeAll(all: Record<string, PendingJob>): void {
  const store = storage();
  if (!store) return;
  try {
    if (Object.keys(all).length) store.setItem(PENDING_KEY, JSON.stringify(all));
    else store.removeItem(PENDING_KEY);
  } catch {
    // Quota or blocked storage: resume is a convenience, the try-on itself goes on.
  }
}

/** The pending job for this endpoint and product, if any and not older than 24 hours. */
export function readPending(endpoint: string, key: string): PendingJob | undefined {
  return readAll()[`${endpoint} ${key}`];
}

/** Records a submitted job (replacing any earlier one for the same product). */
export function writePending(job: PendingJob): void {
  writeAll({ ...readAll(), [`${job.endpoint} ${job.key}`]: job });
}

/** Forgets the job of this endpoint and product (completed and seen, failed, cancelled). */
export function dropPending(endpoint: string, key: string): void {
  const all = readAll();
  delete all[`${endpoint} ${key}`];
  writeAll(all);
}

/** Forgets every pending job of this tab ("Delete my photo" removes everything local). */
export function dropAllPending(): void {
  writeAll({});
}
