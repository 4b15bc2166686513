/**
 * What merchants see of their spend (issue 13, part 4): per provider, the account budget in use,
 * the line's length, the last 429, jobs started today and the credits left where the provider
 * tells them (VistoureAI's token balance, VirtuFit's `credits_remaining`). A balance under the
 * merchant's threshold (`TRYON_CREDITS_WARN_BELOW`) is logged as a warning, at most once an hour.
 *
 * The report is served by `GET {endpoint}/admin/providers` with the merchant's admin secret only
 * (adminAuthorized); it holds no key, photo or shopper data.
 */
import type { Store } from '../store/store.ts';
import type { ProviderAdapter, ProviderContext } from './types.ts';
import type { AccountBudget, AccountLimits, RouteClass } from './budget.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Credits are read from the provider at most this often outside the admin route (a read each). */
const CREDITS_CHECK_MS = 10 * 60 * 1000;
const WARN_EVERY_MS = 60 * 60 * 1000;

export interface ProviderSpend {
  provider: string;
  primary: boolean;
  /** The account, by provider and a digest of its key (never the key). */
  account: string;
  limits: AccountLimits;
  /** Calls counted in the last minute, per route class. */
  inUse: Record<RouteClass, number>;
  generationsRunning: number;
  /** Classes paused by a 429, until when (ISO). */
  paused: Partial<Record<RouteClass, string>>;
  queueLength: number;
  last429: string | null;
  /** Jobs started since 00:00 UTC. */
  jobsToday: number;
  credits: { remaining: number; unit: string } | null;
  /** Why the credits could not be read, when they could not. */
  creditsError?: string;
}

export interface SpendReport {
  providers: ProviderSpend[];
  /** Photo deletions at providers still waiting to succeed (see provider-deletions.ts). */
  pendingDeletions: number;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const jobsKey = (provider: string, day: string) => `jobs-today:${provider}:${day}`;

export interface SpendTarget {
  adapter: ProviderAdapter;
  primary: boolean;
  budget: AccountBudget;
  ctx: ProviderContext;
}

export class Spend {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly warn: (entry: Record<string, unknown>) => void,
    private readonly warnBelow: number | undefined,
  ) {}

  /** Counts a job a provider accepted, for today's figure. */
  async jobStarted(provider: string): Promise<void> {
    await this.store.incr(jobsKey(provider, dayOf(this.now())), 2 * DAY_MS);
  }

  /**
   * The provider's credits, read at most every ten minutes when a threshold is set (or now,
   * `force`), with a warning when they are under it. Never throws: a balance is not worth a failed
   * request.
   */
  async credits(
    target: Pick<SpendTarget, 'adapter' | 'ctx'>,
    force = false,
  ): Promise<{ remaining: number; unit: string } | { error: string } | undefined> {
    const { adapter, ctx } = target;
    if (!adapter.credits) return undefined;
    // Outside the admin route, only for a merchant who asked to be warned (it may cost a read).
    if (!force && this.warnBelow === undefined) return undefined;
    if (!force && !(await this.store.setIfAbsent(`credits-checked:${adapter.name}`, '1', CREDITS_CHECK_MS))) return undefined;
    try {
      const credits = await adapter.credits(ctx);
      if (credits && this.warnBelow !== undefined && credits.remaining < this.warnBelow) {
        if (await this.store.setIfAbsent(`credits-warned:${adapter.name}`, '1', WARN_EVERY_MS)) {
          this.warn({
            event: 'credits_low',
            provider: adapter.name,
            remaining: credits.remaining,
            unit: credits.unit,
            message: `The ${adapter.name} account has ${credits.remaining} ${credits.unit} left, under TRYON_CREDITS_WARN_BELOW (${this.warnBelow}). Top it up before try-ons fail.`,
          });
        }
      }
      return credits;
    } catch (error) {
      return { error: error instanceof Error ? error.message : 'unknown' };
    }
  }

  async report(targets: SpendTarget[], pendingDeletions: number): Promise<SpendReport> {
    const day = dayOf(this.now());
    const providers: ProviderSpend[] = [];
    for (const target of targets) {
      const snapshot = await target.budget.snapshot();
      const credits = await this.credits(target, true);
      const paused = Object.fromEntries(Object.entries(snapshot.paused).map(([c, until]) => [c, new Date(until).toISOString()]));
      providers.push({
        provider: target.adapter.name,
        primary: target.primary,
        account: target.budget.account,
        limits: snapshot.limits,
        inUse: snapshot.used,
        generationsRunning: snapshot.generationsRunning,
        paused,
        queueLength: snapshot.queueLength,
        last429: snapshot.last429 === undefined ? null : new Date(snapshot.last429).toISOString(),
        jobsToday: Number((await this.store.get(jobsKey(target.adapter.name, day))) ?? 0),
        credits: credits && 'remaining' in credits ? credits : null,
        ...(credits && 'error' in credits ? { creditsError: credits.error } : {}),
      });
    }
    return { providers, pendingDeletions };
  }
}

/** True when `authorization` is `Bearer <secret>`; compared as digests, in constant time. */
export async function adminAuthorized(authorization: string | undefined, secret: string): Promise<boolean> {
  const match = /^Bearer\s+(\S+)$/i.exec((authorization ?? '').trim());
  if (!match) return false;
  const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([digest(match[1]!), digest(secret)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
