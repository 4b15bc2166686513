/**
 * The shopper's photo does not outlive its use at the provider (issue 13, part 3).
 *
 * Some providers keep what they were sent: Vtry a person (the photo and its composite), Vtryon a
 * person image. The endpoint deletes them there wherever the API allows (the adapter's
 * `forgetPhoto`), by the merchant's retention setting (`TRYON_PROVIDER_RETENTION`):
 * - `delivered` (default): once the photo's last job in flight delivered its result or failed,
 *   and in any case when the photo handle expires (a job nobody polled to its end);
 * - `photo`: when the photo handle expires (an hour), so a second product reuses the person.
 * A shopper's "forget my photo" reaches every provider the photo went to (the failover provider
 * included) at once.
 *
 * Deletions are kept in the store until they succeed: one that fails (an outage, no room in the
 * account's write budget) is tried again with a growing delay, never dropped. They run on the
 * endpoint's own requests (a few at a time), so no timer is needed on serverless runtimes.
 */
import type { Store } from '../store/store.ts';
import type { ProviderContext, ProviderAdapter } from '../providers/types.ts';
import { PHOTO_TTL_MS } from './photos.ts';
import { ProviderError } from '../providers/errors.ts';

export type ProviderRetention = 'delivered' | 'photo';

interface PendingDeletion {
  provider: string;
  photoRef: string;
  /** When it is due (ms). */
  at: number;
  attempts: number;
}

const PENDING_KEY = 'provider-deletions';
const sentKey = (ref: string) => `photo-providers:${ref}`;
// Jobs in flight are counted per photo (its bytes, keyed), not per handle: a shopper who sent the
// same photo again after an error has two handles and one person at a provider that keys on it.
const inFlightKey = (photo: string) => `photo-jobs:${photo}`;
const identityKey = (ref: string) => `photo-identity:${ref}`;
const endedKey = (provider: string, jobId: string) => `job-ended:${provider}:${jobId}`;
/** Records outlive the photo handle they are about. */
const RECORD_TTL_MS = 2 * PHOTO_TTL_MS;
/** Kept until done; a month bounds a provider that never lets us delete. */
const PENDING_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_DELAY_MS = 60 * 60 * 1000;
/** Deletions run per request, at most this many, so no request is held up for long. */
const PER_REQUEST = 2;

export interface DeletionLog {
  (entry: { event: string; provider: string; attempts?: number; detail?: string }): void;
}

export class ProviderDeletions {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly retention: ProviderRetention,
    private readonly log: DeletionLog = () => {},
  ) {}

  /**
   * A job of `photoRef` was accepted by `provider`: remember where the photo went, count the job
   * in flight, and schedule the deletion for when the handle expires (the job may never be polled).
   */
  async jobStarted(provider: string, adapter: ProviderAdapter, photoRef: string, photoId: string): Promise<void> {
    if (!adapter.forgetPhoto) return;
    const sent = new Set(JSON.parse((await this.store.get(sentKey(photoRef))) ?? '[]') as string[]);
    sent.add(provider);
    await this.store.set(sentKey(photoRef), JSON.stringify([...sent]), RECORD_TTL_MS);
    await this.store.set(identityKey(photoRef), photoId, RECORD_TTL_MS);
    await this.store.incr(inFlightKey(photoId), RECORD_TTL_MS);
    await this.#schedule({ provider, photoRef, at: this.now() + PHOTO_TTL_MS, attempts: 0 });
  }

  /** A job's final status was delivered: with `delivered` retention, its photo's last job schedules the deletion now. */
  async jobEnded(provider: string, adapter: ProviderAdapter, jobId: string, photoRef: string): Promise<void> {
    if (!adapter.forgetPhoto) return;
    // Once per job, however many polls deliver the final status.
    if (!(await this.store.setIfAbsent(endedKey(provider, jobId), '1', RECORD_TTL_MS))) return;
    const photoId = (await this.store.get(identityKey(photoRef))) ?? photoRef;
    const left = await this.store.incr(inFlightKey(photoId), RECORD_TTL_MS, -1);
    if (this.retention === 'delivered' && left <= 0) await this.#schedule({ provider, photoRef, at: this.now(), attempts: 0 });
  }

  /** The providers a photo was sent to (for the shopper's "forget my photo"). */
  async providersOf(photoRef: string): Promise<string[]> {
    return JSON.parse((await this.store.get(sentKey(photoRef))) ?? '[]') as string[];
  }

  /** Deletes the photo at `provider` now; a failure is kept and tried again later. */
  async deleteNow(provider: string, photoRef: string, forget: () => Promise<void>): Promise<boolean> {
    try {
      await forget();
      this.log({ event: 'provider_photo_deleted', provider });
      return true;
    } catch (error) {
      await this.#schedule({ provider, photoRef, at: this.now() + 30_000, attempts: 1 });
      this.log({
        event: 'provider_photo_delete_failed',
        provider,
        attempts: 1,
        detail: error instanceof Error ? error.message : 'unknown',
      });
      return false;
    }
  }

  /** Runs the due deletions (a few per call). `contextOf` gives the provider's adapter and context. */
  async runDue(contextOf: (provider: string) => { adapter: ProviderAdapter; ctx: ProviderContext } | undefined): Promise<number> {
    const due = await this.#takeDue();
    for (const item of due) {
      const target = contextOf(item.provider);
      if (!target?.adapter.forgetPhoto) continue;
      try {
        await target.adapter.forgetPhoto(item.photoRef, target.ctx);
        this.log({ event: 'provider_photo_deleted', provider: item.provider });
      } catch (error) {
        if (error instanceof ProviderError && error.kind === 'deferred') {
          // No room in the account's write budget now: its turn comes, no attempt spent.
          await this.#schedule({ ...item, at: this.now() + (error.retryAfterSec ?? 1) * 1000 });
          continue;
        }
        const attempts = item.attempts + 1;
        const delay = Math.min(MAX_DELAY_MS, 30_000 * 2 ** Math.min(attempts, 10));
        await this.#schedule({ ...item, at: this.now() + delay, attempts });
        this.log({
          event: 'provider_photo_delete_failed',
          provider: item.provider,
          attempts,
          detail: error instanceof Error ? error.message : 'unknown',
        });
      }
    }
    return due.length;
  }

  /** How many deletions are waiting (for the admin report). */
  async pending(): Promise<number> {
    return (JSON.parse((await this.store.get(PENDING_KEY)) ?? '[]') as PendingDeletion[]).length;
  }

  async #schedule(item: PendingDeletion): Promise<void> {
    await this.#update((list) => {
      // One entry per photo and provider: the earliest due time wins.
      const same = list.find((d) => d.provider === item.provider && d.photoRef === item.photoRef);
      if (!same) list.push(item);
      else if (item.at < same.at || item.attempts > same.attempts)
        Object.assign(same, { at: Math.min(same.at, item.at), attempts: Math.max(same.attempts, item.attempts) });
      return undefined;
    });
  }

  async #takeDue(): Promise<PendingDeletion[]> {
    return this.#update((list, now) => {
      const due = list.filter((d) => d.at <= now).slice(0, PER_REQUEST);
      for (const d of due) list.splice(list.indexOf(d), 1);
      return due;
    });
  }

  async #update<T>(change: (list: PendingDeletion[], now: number) => T): Promise<T> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const raw = await this.store.get(PENDING_KEY);
      const list = JSON.parse(raw ?? '[]') as PendingDeletion[];
      const result = change(list, this.now());
      const next = JSON.stringify(list);
      if (next === (raw ?? '[]')) return result;
      const written =
        raw === undefined
          ? await this.store.setIfAbsent(PENDING_KEY, next, PENDING_TTL_MS)
          : await this.store.setIfEquals(PENDING_KEY, raw, next, PENDING_TTL_MS);
      if (written) return result;
    }
    throw new Error('The list of pending provider deletions kept changing under us; try again.');
  }
}
