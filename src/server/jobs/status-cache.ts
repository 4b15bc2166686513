/**
 * However often widgets poll, a provider job gets at most one status call per the adapter's
 * `pollIntervalMs`: answers are cached in the store, concurrent polls share one in-flight call,
 * and an owned claim in the store (lease.ts) keeps several endpoint instances from calling at
 * once: it is renewed while a slow provider call lasts and released by its owner only.
 * Finished jobs are cached until their token expires, so they are never asked about again.
 */
import type { Store } from '../store/store.ts';
import { tryLease } from '../store/lease.ts';
import type { JobState, ProviderAdapter, ProviderContext } from '../providers/types.ts';
import { ProviderError, describeProviderError } from '../providers/errors.ts';

/**
 * How long a job may read as running on a status word its provider's document does not list.
 * Past this the shopper is told it took too long, instead of waiting for a word we cannot read.
 */
export const UNLISTED_WORD_DEADLINE_MS = 10 * 60 * 1000;

/** Hears a status word no document lists, once per job (for the merchant's log). */
export type UnlistedWordListener = (provider: string, word: string) => void;

interface Cached {
  state: JobState;
  at: number;
  /** How long this answer stands before the provider is asked again (the account's read spacing). */
  freshMs?: number;
}

/**
 * The claim on a job's provider call: renewed while the call lasts, so an instance that died
 * mid-call holds up the others' refresh by this long at most (they answer from the cache meanwhile).
 */
export const STATUS_CLAIM_TTL_MS = 10_000;

const isFinal = (state: JobState) => state.status === 'completed' || state.status === 'failed';

export class StatusCache {
  readonly #inflight = new Map<string, Promise<JobState>>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly onUnlistedWord: UnlistedWordListener = () => {},
  ) {}

  static key(provider: string, jobId: string): string {
    return `status:${provider}:${jobId}`;
  }

  /** Records a state learned without polling (a submit answer, a webhook), until `expiresAt`. */
  async put(provider: string, jobId: string, state: JobState, expiresAt: number, freshMs = 0): Promise<void> {
    const ttl = Math.max(1000, expiresAt - this.now());
    const entry: Cached = { state, at: this.now(), ...(freshMs > 0 ? { freshMs } : {}) };
    await this.store.set(StatusCache.key(provider, jobId), JSON.stringify(entry), ttl);
  }

  static deletedKey(provider: string, jobId: string): string {
    return `deleted:${provider}:${jobId}`;
  }

  /** Forgets a job the shopper deleted, and remembers it was deleted until its token expires. */
  async markDeleted(provider: string, jobId: string, expiresAt: number): Promise<void> {
    await this.store.set(StatusCache.deletedKey(provider, jobId), '1', Math.max(1000, expiresAt - this.now()));
    await this.store.delete(StatusCache.key(provider, jobId));
  }

  async isDeleted(provider: string, jobId: string): Promise<boolean> {
    return (await this.store.get(StatusCache.deletedKey(provider, jobId))) !== undefined;
  }

  /**
   * The job's state, from the cache when fresh enough, else from one shared provider call.
   * `startedAt` is when the job was submitted (its deadline for unlisted status words counts from it).
   */
  async get(adapter: ProviderAdapter, jobId: string, expiresAt: number, ctx: ProviderContext, startedAt = this.now()): Promise<JobState> {
    const key = StatusCache.key(adapter.name, jobId);
    const raw = await this.store.get(key);
    const cached = raw ? (JSON.parse(raw) as Cached) : undefined;
    if (cached && (isFinal(cached.state) || this.now() - cached.at < Math.max(adapter.pollIntervalMs, cached.freshMs ?? 0)))
      return cached.state;

    // No await between this check and the set below, so concurrent polls cannot both start a call.
    const running = this.#inflight.get(key);
    if (running) return running;
    const call = this.#refresh(adapter, jobId, expiresAt, ctx, key, cached, startedAt).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, call);
    return call;
  }

  async #refresh(
    adapter: ProviderAdapter,
    jobId: string,
    expiresAt: number,
    ctx: ProviderContext,
    key: string,
    cached: Cached | undefined,
    startedAt: number,
  ): Promise<JobState> {
    // Another instance is asking the provider right now: answer with what we know.
    const lease = await tryLease(this.store, `${key}:lock`, STATUS_CLAIM_TTL_MS);
    if (!lease && cached) return cached.state;
    try {
      let state: JobState;
      try {
        state = await adapter.status(jobId, ctx);
      } catch (error) {
        // No room in the account's budget for this read now: answer with what we know; a later poll asks.
        if (error instanceof ProviderError && error.kind === 'deferred') return cached?.state ?? { status: 'queued' };
        throw error;
      }
      if (state.unknownWord !== undefined) state = await this.#unlisted(adapter.name, jobId, state, startedAt, expiresAt);
      // Jobs whose status is read share the account's read budget: with n of them, each is asked
      // about every n × (a minute / reads allowed). A job waiting in line costs no read: polled often.
      const reading = !isFinal(state) && !state.queue;
      const readers = ctx.budget ? await ctx.budget.noteReader(key, reading) : 1;
      const freshMs = reading && ctx.budget ? ctx.budget.readIntervalMs(readers) : 0;
      await this.put(adapter.name, jobId, state, expiresAt, freshMs);
      return state;
    } finally {
      await lease?.release();
    }
  }

  /** A word the document does not list: logged once per job, read as running until the deadline. */
  async #unlisted(provider: string, jobId: string, state: JobState, startedAt: number, expiresAt: number): Promise<JobState> {
    const word = state.unknownWord!;
    if (await this.store.setIfAbsent(`unlisted-word:${provider}:${jobId}`, '1', Math.max(1000, expiresAt - this.now()))) {
      this.onUnlistedWord(provider, word);
    }
    if (this.now() - startedAt <= UNLISTED_WORD_DEADLINE_MS) return { status: state.status };
    const { code, message } = describeProviderError(
      new ProviderError('timeout', 'The job never reached a status word its document lists.'),
    );
    return { status: 'failed', error: { code, message } };
  }
}
