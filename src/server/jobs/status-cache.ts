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

interface Cached {
  state: JobState;
  at: number;
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
  ) {}

  static key(provider: string, jobId: string): string {
    return `status:${provider}:${jobId}`;
  }

  /** Records a state learned without polling (a submit answer, a webhook), until `expiresAt`. */
  async put(provider: string, jobId: string, state: JobState, expiresAt: number): Promise<void> {
    const ttl = Math.max(1000, expiresAt - this.now());
    const entry: Cached = { state, at: this.now() };
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

  /** The job's state, from the cache when fresh enough, else from one shared provider call. */
  async get(adapter: ProviderAdapter, jobId: string, expiresAt: number, ctx: ProviderContext): Promise<JobState> {
    const key = StatusCache.key(adapter.name, jobId);
    const raw = await this.store.get(key);
    const cached = raw ? (JSON.parse(raw) as Cached) : undefined;
    if (cached && (isFinal(cached.state) || this.now() - cached.at < adapter.pollIntervalMs)) return cached.state;

    // No await between this check and the set below, so concurrent polls cannot both start a call.
    const running = this.#inflight.get(key);
    if (running) return running;
    const call = this.#refresh(adapter, jobId, expiresAt, ctx, key, cached).finally(() => this.#inflight.delete(key));
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
  ): Promise<JobState> {
    // Another instance is asking the provider right now: answer with what we know.
    const lease = await tryLease(this.store, `${key}:lock`, STATUS_CLAIM_TTL_MS);
    if (!lease && cached) return cached.state;
    try {
      const state = await adapter.status(jobId, ctx);
      await this.put(adapter.name, jobId, state, expiresAt);
      return state;
    } finally {
      await lease?.release();
    }
  }
}
