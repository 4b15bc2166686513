/**
 * One budget per provider account, shared by every endpoint instance through the store.
 *
 * A provider's limits hold per account, not per job or per instance: Vtry documents read 60,
 * write 30 and generate 10 requests a minute and 3 generations at once; VirtuFit "a few
 * requests per minute". So every provider call of an account takes its route class's budget
 * here before it is sent (http.ts does it for every adapter), and a 429 pauses that class for
 * everyone until its Retry-After. A call the budget cannot take now is not sent at all: it is
 * `deferred` (nothing spent, try later), and the caller waits in line.
 *
 * Paid work (`generate`) is granted in a fair first-in first-out line: a ticket (one per job,
 * stamped with the job's submit time) is granted only when fewer tickets stand ahead of it than
 * there are calls left in the window (and, for a generation, free slots). Reads are paced
 * evenly across the minute instead of spent in a burst, so status reads of many jobs are spread
 * (the status cache asks each job about every `readIntervalMs`).
 *
 * The whole account state is one JSON record changed by compare-and-set (setIfEquals), so it is
 * atomic on one instance (memory) and across instances (Redis) alike.
 */
import type { Store } from '../store/store.ts';
import type { QueuePlace } from '../../protocol.ts';

export type { QueuePlace };

export type RouteClass = 'read' | 'write' | 'generate';
export const ROUTE_CLASSES: readonly RouteClass[] = ['read', 'write', 'generate'];

/** Calls per window (a minute) per route class, and generations at once; a missing one is not limited. */
export interface AccountLimits {
  read?: number;
  write?: number;
  generate?: number;
  concurrency?: number;
  /** The window the per-class counts hold for, in seconds (default 60, the documents' minute). */
  windowSec?: number;
}

/** A job's place in the line: its id and when it was submitted (the line's order). */
export interface Ticket {
  id: string;
  at: number;
}

export type Grant = { ok: true } | { ok: false; waitMs: number; place?: QueuePlace };

// Calls reach the provider a little after we count them: a window a sixtieth longer (a second a
// minute) stays under theirs. Reads are paced: at most a twelfth of the window's budget in any
// twelfth of the window (5 s of a minute).
/** A ticket nobody asked about for this long belongs to a shopper who left (waiting jobs are polled every few seconds). */
const STALE_TICKET_MS = 30_000;
/** A job not read for this long no longer shares the read budget. */
const READER_GONE_MS = 30_000;
/**
 * A generation slot whose end we never saw (its submit failed with a 5xx or a timeout, so it may
 * or may not run; its shopper left) is given back after this long: far beyond a generation's
 * usual tens of seconds, short enough not to starve the account.
 */
const SLOT_LEASE_MS = 3 * 60_000;
/** Until a generation was seen to end, assume one takes this long (for estimates only). */
const DEFAULT_JOB_MS = 20_000;
const STATE_TTL_MS = 24 * 60 * 60_000;
/** How many calls of a class without a limit are remembered (the report's "in use" saturates there). */
const UNLIMITED_LOG = 200;

interface LineEntry {
  id: string;
  at: number;
  seen: number;
  slot: boolean;
}

interface AccountState {
  log: Partial<Record<RouteClass, number[]>>;
  paused: Partial<Record<RouteClass, number>>;
  slots: { id: string; at: number }[];
  line: LineEntry[];
  /** Recent average time from a slot's start to its release (learned, for estimates). */
  jobMs: number;
  last429?: number;
  /** Jobs whose status is being read (not waiting in line), by when they were last read. */
  readers?: Record<string, number>;
}

const empty = (): AccountState => ({ log: {}, paused: {}, slots: [], line: [], jobMs: DEFAULT_JOB_MS });

/** What the admin route shows of an account. */
export interface BudgetSnapshot {
  limits: AccountLimits;
  /** Calls counted in the last minute, per class. */
  used: Record<RouteClass, number>;
  /** Classes paused by a 429, until when (ms). */
  paused: Partial<Record<RouteClass, number>>;
  generationsRunning: number;
  queueLength: number;
  last429?: number;
}

export class AccountBudget {
  readonly #key: string;
  readonly #window: number;
  readonly #margin: number;
  readonly #pace: number;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    /** Names the account without its key: provider name and a digest of the key (budget-account.ts). */
    readonly account: string,
    readonly limits: AccountLimits,
  ) {
    this.#key = `budget:${account}`;
    this.#window = (limits.windowSec ?? 60) * 1000;
    this.#margin = this.#window / 60;
    this.#pace = this.#window / 12;
  }

  /** How often one of `jobs` in flight may read its status so that all reads fit the budget. */
  readIntervalMs(jobs: number): number {
    return this.limits.read ? Math.ceil((Math.max(1, jobs) * this.#window) / this.limits.read) : 0;
  }

  /**
   * Takes one call of `routeClass` now, if the budget, a pause and (for `generate` with a
   * ticket) the line allow; never waits. `slot` also takes one of the concurrent generations.
   */
  async tryTake(routeClass: RouteClass, ticket?: Ticket, slot = false): Promise<Grant> {
    return this.#update((state, now) => {
      const pausedUntil = state.paused[routeClass];
      const limit = this.limits[routeClass];
      const log = (state.log[routeClass] ?? []).filter((t) => t > now - this.#window - this.#margin);
      state.log[routeClass] = log;
      const needsSlot = slot && this.limits.concurrency !== undefined;
      const free = limit === undefined ? Infinity : limit - log.length;
      const freeSlots = needsSlot ? this.limits.concurrency! - state.slots.length : Infinity;

      let ahead = 0;
      let slotsAhead = 0;
      if (ticket && routeClass === 'generate') {
        let entry = state.line.find((e) => e.id === ticket.id);
        if (!entry) {
          entry = { id: ticket.id, at: ticket.at, seen: now, slot: needsSlot };
          state.line.push(entry);
          state.line.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
        }
        entry.seen = now;
        entry.slot = needsSlot;
        for (const other of state.line) {
          if (other === entry) break;
          ahead++;
          if (other.slot) slotsAhead++;
        }
      }

      let waitMs = 0;
      if (pausedUntil !== undefined && pausedUntil > now) waitMs = pausedUntil - now;
      if (ahead >= free) waitMs = Math.max(waitMs, this.#tokenWait(log, ahead - free, now));
      if (needsSlot && slotsAhead >= freeSlots) waitMs = Math.max(waitMs, this.#slotWait(state, slotsAhead - freeSlots, now));
      if (routeClass === 'read' && limit !== undefined) {
        const recent = log.filter((t) => t > now - this.#pace);
        const pace = Math.max(1, Math.floor((limit * this.#pace) / this.#window));
        if (recent.length >= pace) waitMs = Math.max(waitMs, recent[recent.length - pace]! + this.#pace - now);
      }
      if (waitMs > 0) {
        const place =
          ticket && routeClass === 'generate' ? { position: ahead + 1, etaSec: Math.max(1, Math.ceil(waitMs / 1000)) } : undefined;
        return { ok: false as const, waitMs, ...(place ? { place } : {}) };
      }
      log.push(now);
      // A class without a limit is only counted for the admin report: a bounded count will do.
      if (limit === undefined && log.length > UNLIMITED_LOG) log.splice(0, log.length - UNLIMITED_LOG);
      if (needsSlot) state.slots.push({ id: ticket?.id ?? `slot-${now}-${state.slots.length}`, at: now });
      if (ticket) state.line = state.line.filter((e) => e.id !== ticket.id);
      return { ok: true as const };
    });
  }

  /** Renames a held slot (taken under the job's ticket) to the provider's id of the work it runs. */
  async renameSlot(from: string, to: string): Promise<void> {
    await this.#update((state) => {
      for (const slot of state.slots) if (slot.id === from) slot.id = to;
      return undefined;
    });
  }

  /** Gives a generation slot back (its job was seen to end, or the call that took it was refused). */
  async releaseSlot(id: string): Promise<void> {
    await this.#update((state, now) => {
      const slot = state.slots.find((s) => s.id === id);
      if (!slot) return undefined;
      state.slots = state.slots.filter((s) => s !== slot);
      state.jobMs = Math.round(state.jobMs * 0.7 + (now - slot.at) * 0.3);
      return undefined;
    });
  }

  /** Gives back a call that was counted but never reached the provider (a refused connection). */
  async giveBack(routeClass: RouteClass): Promise<void> {
    await this.#update((state) => {
      state.log[routeClass]?.pop();
      return undefined;
    });
  }

  /** A 429: nobody sends calls of this class until `untilMs` (the provider's Retry-After). */
  async pause(routeClass: RouteClass, untilMs: number): Promise<void> {
    await this.#update((state, now) => {
      state.paused[routeClass] = Math.max(state.paused[routeClass] ?? 0, untilMs);
      state.last429 = now;
      return undefined;
    });
  }

  /**
   * Notes that `job` is (or is no longer) a job whose status is read; returns how many jobs of the
   * account are read now, so each is read about every `readIntervalMs(count)`.
   */
  async noteReader(job: string, reading: boolean): Promise<number> {
    return this.#update((state, now) => {
      const readers = Object.fromEntries(Object.entries(state.readers ?? {}).filter(([, at]) => at > now - READER_GONE_MS));
      if (reading) readers[job] = now;
      else delete readers[job];
      state.readers = readers;
      return Math.max(1, Object.keys(readers).length);
    });
  }

  /** Leaves the line (a cancelled or finished job). */
  async leave(ticketId: string): Promise<void> {
    await this.#update((state) => {
      state.line = state.line.filter((e) => e.id !== ticketId);
      return undefined;
    });
  }

  /** Where a ticket stands now, without taking anything; undefined when it is not in line. */
  async place(ticketId: string): Promise<QueuePlace | undefined> {
    const state = await this.#read();
    const index = state.line.findIndex((e) => e.id === ticketId);
    if (index < 0) return undefined;
    return { position: index + 1, etaSec: Math.max(1, Math.ceil(this.#tokenWait(state.log.generate ?? [], index, this.now()) / 1000)) };
  }

  async snapshot(): Promise<BudgetSnapshot> {
    const state = await this.#read();
    const now = this.now();
    const used = Object.fromEntries(
      ROUTE_CLASSES.map((c) => [c, (state.log[c] ?? []).filter((t) => t > now - this.#window).length]),
    ) as Record<RouteClass, number>;
    const paused = Object.fromEntries(Object.entries(state.paused).filter(([, until]) => until > now));
    return {
      limits: this.limits,
      used,
      paused,
      generationsRunning: state.slots.length,
      queueLength: state.line.length,
      ...(state.last429 !== undefined ? { last429: state.last429 } : {}),
    };
  }

  /** When the (k+1)-th call of a full window frees up. */
  #tokenWait(log: number[], k: number, now: number): number {
    const sorted = [...log].sort((a, b) => a - b);
    const frees = sorted[Math.min(k, sorted.length - 1)];
    const rounds = Math.floor(k / Math.max(1, sorted.length));
    return Math.max(1, (frees ?? now) + this.#window + this.#margin - now + rounds * this.#window);
  }

  /** When the (k+1)-th running generation is expected to end. */
  #slotWait(state: AccountState, k: number, now: number): number {
    const ends = state.slots.map((s) => s.at + state.jobMs).sort((a, b) => a - b);
    const end = ends[Math.min(k, ends.length - 1)] ?? now;
    const rounds = Math.floor(k / Math.max(1, ends.length));
    return Math.max(1000, end - now + rounds * state.jobMs);
  }

  async #read(): Promise<AccountState> {
    const raw = await this.store.get(this.#key);
    return raw ? (JSON.parse(raw) as AccountState) : empty();
  }

  /** Reads, changes and writes the account state in one compare-and-set, retried on a race. */
  async #update<T>(change: (state: AccountState, now: number) => T): Promise<T> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const raw = await this.store.get(this.#key);
      const state = raw ? (JSON.parse(raw) as AccountState) : empty();
      const now = this.now();
      state.line = state.line.filter((e) => e.seen > now - STALE_TICKET_MS);
      state.slots = state.slots.filter((s) => s.at > now - SLOT_LEASE_MS);
      const result = change(state, now);
      const next = JSON.stringify(state);
      if (next === raw) return result;
      const written =
        raw === undefined
          ? await this.store.setIfAbsent(this.#key, next, STATE_TTL_MS)
          : await this.store.setIfEquals(this.#key, raw, next, STATE_TTL_MS);
      if (written) return result;
    }
    throw new Error(`The budget of ${this.account} kept changing under us; try again.`);
  }
}

/**
 * An account's name in store keys and the admin report: the provider and a short digest of its
 * key (FNV-1a, 48 bits of a long random key: it tells accounts apart and reveals nothing of the key).
 */
export function accountName(provider: string, apiKey: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < apiKey.length; i++) {
    const c = apiKey.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 + 2) >>> 0;
  }
  return `${provider}:${h1.toString(16).padStart(8, '0')}${(h2 & 0xffff).toString(16).padStart(4, '0')}`;
}
