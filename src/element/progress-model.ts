/**
 * What the progress view shows, as pure functions of the stage, the upload fraction and the
 * clock: the four steps, the bar's value and the time-left estimate. No DOM, no timers.
 */
import type { QueuePlace } from '../protocol.ts';
import type { TryOnStage } from './events.ts';

/** The four steps the shopper sees; `finishing` (loading the result image) belongs to the last. */
export type ProgressStep = 'preparing' | 'uploading' | 'queued' | 'generating';

export const PROGRESS_STEPS: readonly ProgressStep[] = ['preparing', 'uploading', 'queued', 'generating'];

export function stepOf(stage: TryOnStage): ProgressStep {
  return stage === 'processing' || stage === 'finishing' ? 'generating' : stage;
}

/** Each step's state for a given stage: done (ticked), current (highlighted) or pending. */
export function stepStates(stage: TryOnStage): { step: ProgressStep; state: 'done' | 'current' | 'pending' }[] {
  const current = PROGRESS_STEPS.indexOf(stepOf(stage));
  return PROGRESS_STEPS.map((step, index) => ({ step, state: index < current ? 'done' : index === current ? 'current' : 'pending' }));
}

/** Used until this endpoint has finished a job in front of the shopper. */
export const DEFAULT_TYPICAL_MS = 20_000;

/**
 * The bar's value (0..100), in step with the steps: each of the four steps owns a quarter, so
 * with n steps ticked the bar is between 25n and 25n+24 (never "55 %" beside three ticks).
 * Uploading moves with the bytes sent; waiting moves with the time spent against the typical
 * duration, easing out so the bar never sits "full" while the shopper still waits.
 */
export function progressValue(stage: TryOnStage, uploadFraction: number, waitedMs: number, typicalMs: number): number {
  const clamp01 = (x: number) => Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
  const band = 25 * PROGRESS_STEPS.indexOf(stepOf(stage));
  if (stage === 'preparing') return 10;
  if (stage === 'uploading') return band + Math.round(24 * clamp01(uploadFraction));
  if (stage === 'finishing') return 97;
  // Queued, then generating: fast at first, then slower, within the step's quarter.
  return band + Math.round(20 * (1 - Math.exp((-1.6 * Math.max(0, waitedMs)) / Math.max(1, typicalMs))));
}

/** What the time-left line says: a number of seconds, or "almost done" once past the estimate. */
export type Remaining = { kind: 'seconds'; seconds: number } | { kind: 'almost' };

/**
 * Seconds left of the typical duration, rounded up (to 5 s steps above 10 s, so the number
 * does not tick nervously), never negative; past the estimate it says "almost", never "0 s".
 */
export function estimateRemaining(waitedMs: number, typicalMs: number): Remaining {
  const left = typicalMs - Math.max(0, waitedMs);
  return left > 999 ? { kind: 'seconds', seconds: roundSeconds(left / 1000) } : { kind: 'almost' };
}

/** Whole seconds, rounded up, to 5 s steps above 10 s. */
const roundSeconds = (seconds: number) => {
  const whole = Math.max(1, Math.ceil(seconds));
  return whole > 10 ? Math.ceil(whole / 5) * 5 : whole;
};

/**
 * What the queued step says while the job waits in the provider account's line: its place (1 is
 * next) and the endpoint's estimate, rounded like the time left (updated on every poll).
 */
export function queueWait(place: QueuePlace): { position: number; seconds: number } {
  return { position: Math.max(1, Math.round(place.position) || 1), seconds: roundSeconds(place.etaSec || 1) };
}

/**
 * The typical wait from the jobs this browser saw finish: the median of the recent samples (one
 * slow job does not scare the next shopper), or the default before any.
 */
export function typicalDuration(samples: readonly number[], fallbackMs = DEFAULT_TYPICAL_MS): number {
  const usable = samples.filter((ms) => Number.isFinite(ms) && ms > 0).sort((a, b) => a - b);
  if (usable.length === 0) return fallbackMs;
  const mid = Math.floor(usable.length / 2);
  return usable.length % 2 ? usable[mid]! : (usable[mid - 1]! + usable[mid]!) / 2;
}

/** How many finished jobs the memory keeps per endpoint. */
export const DURATION_SAMPLES = 5;

/** Where durations live; localStorage in the page, a Map in tests. */
export interface DurationStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY_PREFIX = 'try-on-button:durations:';

/**
 * Remembers how long jobs took per endpoint (timings only, nothing about the shopper), so the
 * estimate on the next product page is the provider's real pace, not the default.
 */
export class DurationMemory {
  readonly #store: DurationStore | undefined;
  readonly #fallback = new Map<string, number[]>();

  constructor(store: DurationStore | undefined) {
    this.#store = store;
  }

  samples(endpoint: string): number[] {
    if (this.#store) {
      try {
        const parsed: unknown = JSON.parse(this.#store.getItem(KEY_PREFIX + endpoint) ?? '[]');
        return Array.isArray(parsed) ? parsed.filter((n): n is number => typeof n === 'number') : [];
      } catch {
        // Storage blocked (privacy mode, sandboxed frame) or a corrupt entry: use what this page saw.
      }
    }
    return this.#fallback.get(endpoint) ?? [];
  }

  typical(endpoint: string): number {
    return typicalDuration(this.samples(endpoint));
  }

  record(endpoint: string, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs <= 0) return;
    const next = [...this.samples(endpoint), Math.round(durationMs)].slice(-DURATION_SAMPLES);
    this.#fallback.set(endpoint, next);
    try {
      this.#store?.setItem(KEY_PREFIX + endpoint, JSON.stringify(next));
    } catch {
      // Quota or blocked storage: the in-page copy above still serves this page.
    }
  }
}

/** The storage key of an endpoint's durations (tests seed it). */
export function durationKey(endpoint: string): string {
  return KEY_PREFIX + endpoint;
}
