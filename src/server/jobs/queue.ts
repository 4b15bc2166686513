/**
 * Submits that wait their turn in the provider account's line (issue 13).
 *
 * When the account's budget (providers/budget.ts) has no room for a job's paid call now, the
 * submit is not failed: its input is kept here under a queued job id (`q:<nonce>`), the shopper
 * gets a job token at once, and the job's polls try the submit again until its turn comes, with
 * the same ticket, so its place in the line (ordered by submit time) is kept. Once the provider
 * took it, the polls read the provider's own job. A queued submit is started at most once
 * (setIfAbsent marker), so two polls or two instances never pay twice.
 *
 * The photo stays where it is (the photo store, under its handle); only the handle is kept here.
 */
import type { Category, ErrorBody } from '../../protocol.ts';
import type { Store } from '../store/store.ts';
import type { Ticket } from '../providers/budget.ts';
import type { JobState, ProviderAdapter, ProviderContext, SubmitInput } from '../providers/types.ts';
import { ProviderError, describeProviderError } from '../providers/errors.ts';

export const QUEUED_PREFIX = 'q:';

/** What a queued submit needs to be sent later, and what became of it. */
export interface QueuedSubmit {
  ticket: Ticket;
  photoRef: string;
  /** The photo's public URL for URL-only providers (published at submit, lives with the job). */
  photoUrl?: string;
  garmentUrl: string;
  category: Category;
  size?: string;
  garmentDescription?: string;
  /** The provider's job id, once it took the submit. */
  jobId?: string;
  /** Why it could not be started (a refusal, an outage): the job failed. */
  error?: ErrorBody;
}

const recordKey = (nonce: string) => `queued:${nonce}`;
/** A poll starting the submit holds this for at most one provider request (30 s timeout). */
const STARTING_TTL_MS = 60_000;

export const isQueuedJob = (jobId: string) => jobId.startsWith(QUEUED_PREFIX);

/** Keeps a deferred submit; returns its job id. */
export async function enqueueSubmit(store: Store, nonce: string, record: QueuedSubmit, ttlMs: number): Promise<string> {
  await store.set(recordKey(nonce), JSON.stringify(record), ttlMs);
  return `${QUEUED_PREFIX}${nonce}`;
}

/** The photo bytes of a queued submit, from the photo store (undefined once it is gone). */
export type PhotoLoader = (photoRef: string) => Promise<SubmitInput['photo'] | undefined>;

/**
 * The adapter as the status cache sees a queued job: its status is the queued submit's, then,
 * once the provider took it, the provider job's.
 */
export function queuedAdapter(adapter: ProviderAdapter, store: Store, loadPhoto: PhotoLoader, ttlMs: number): ProviderAdapter {
  return {
    ...adapter,
    status: (jobId, ctx) => queuedStatus(jobId.slice(QUEUED_PREFIX.length), adapter, store, loadPhoto, ctx, ttlMs),
  };
}

async function queuedStatus(
  nonce: string,
  adapter: ProviderAdapter,
  store: Store,
  loadPhoto: PhotoLoader,
  ctx: ProviderContext,
  ttlMs: number,
): Promise<JobState> {
  const key = recordKey(nonce);
  const raw = await store.get(key);
  if (!raw) throw new ProviderError('not_found', 'This queued try-on is no longer known to the endpoint.');
  const record = JSON.parse(raw) as QueuedSubmit;
  if (record.jobId) return adapter.status(record.jobId, ctx);
  if (record.error) return { status: 'failed', error: record.error };

  const waiting = async (): Promise<JobState> => {
    const place = await ctx.budget?.place(record.ticket.id);
    return place ? { status: 'queued', queue: place } : { status: 'queued' };
  };
  if (!(await store.setIfAbsent(`${key}:starting`, '1', STARTING_TTL_MS))) return waiting();
  try {
    const photo = await loadPhoto(record.photoRef);
    if (!photo) {
      await ctx.budget?.leave(record.ticket.id);
      return save({
        status: 'failed',
        error: { code: 'job_expired', message: 'Your photo is no longer available. Please start a new try-on.' },
      });
    }
    const input: SubmitInput = {
      photo: { ...photo, ...(record.photoUrl ? { url: record.photoUrl } : {}) },
      garmentUrl: record.garmentUrl,
      category: record.category,
      ...(record.size ? { size: record.size } : {}),
      ...(record.garmentDescription ? { garmentDescription: record.garmentDescription } : {}),
    };
    let result;
    try {
      result = await adapter.submit(input, { ...ctx, ticket: record.ticket });
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'deferred') {
        return error.place ? { status: 'queued', queue: error.place } : waiting();
      }
      if (error instanceof ProviderError) {
        const { code, message } = describeProviderError(error);
        return save({ status: 'failed', error: { code, message } });
      }
      throw error;
    }
    record.jobId = result.jobId;
    await store.set(key, JSON.stringify(record), ttlMs);
    return result.state ?? { status: 'queued' };
  } finally {
    await store.delete(`${key}:starting`);
  }

  async function save(state: JobState & { error: ErrorBody }): Promise<JobState> {
    record.error = state.error;
    await store.set(key, JSON.stringify(record), ttlMs);
    return state;
  }
}

/** A cancelled queued job leaves the line. */
export async function cancelQueued(store: Store, jobId: string, ctx: Pick<ProviderContext, 'budget'>): Promise<void> {
  const raw = await store.get(recordKey(jobId.slice(QUEUED_PREFIX.length)));
  if (!raw) return;
  await ctx.budget?.leave((JSON.parse(raw) as QueuedSubmit).ticket.id);
}
