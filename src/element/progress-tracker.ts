/**
 * The clock behind the progress view: which stage the job is in, how much of the photo is
 * sent, and how long the shopper has waited for the provider. Ticks once a second while
 * waiting so the time-left line stays current; stops as soon as the panel leaves processing.
 */
import type { QueuePlace } from '../protocol.ts';
import type { TryOnStage } from './events.ts';
import { DurationMemory, estimateRemaining, progressValue, queueWait, stepStates, type Remaining } from './progress-model.ts';

function pageStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** Shared by every button on the page, so the second product's estimate learns from the first. */
export const durationMemory = new DurationMemory(pageStorage());

export class ProgressTracker {
  #stage: TryOnStage = 'preparing';
  #upload = 0;
  #endpoint = '';
  #typicalMs = 0;
  #waitStart: number | undefined;
  #queue: QueuePlace | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #onChange: () => void;
  readonly #memory: DurationMemory;
  readonly #now: () => number;

  constructor(onChange: () => void, memory: DurationMemory = durationMemory, now: () => number = () => performance.now()) {
    this.#onChange = onChange;
    this.#memory = memory;
    this.#now = now;
  }

  /** Starts a new attempt against `endpoint`. */
  begin(endpoint: string): void {
    this.stop();
    this.#endpoint = endpoint;
    this.#typicalMs = this.#memory.typical(endpoint);
    this.#stage = 'preparing';
    this.#upload = 0;
    this.#waitStart = undefined;
    this.#queue = undefined;
  }

  /** `queue`: the job's place in the provider account's line, while it waits there (stage `queued`). */
  setStage(stage: TryOnStage, queue?: QueuePlace): void {
    this.#stage = stage;
    this.#queue = stage === 'queued' ? queue : undefined;
    if ((stage === 'queued' || stage === 'processing') && !this.#queue && this.#waitStart === undefined) {
      // The provider's time starts when it has the job: when the endpoint accepted it, or when it
      // left the account's line (a wait in line would teach the estimate a wrong pace).
      this.#waitStart = this.#now();
      this.#timer = setInterval(this.#onChange, 1000);
    }
    this.#onChange();
  }

  /** Re-renders only when the whole percent changes (progress events can come by the hundred). */
  setUpload(fraction: number): void {
    const before = Math.floor(this.#upload * 100);
    this.#upload = Math.min(1, Math.max(0, fraction));
    if (Math.floor(this.#upload * 100) !== before) this.#onChange();
  }

  /** The job completed: its duration teaches the next estimate. */
  completed(): void {
    if (this.#waitStart !== undefined) this.#memory.record(this.#endpoint, this.#now() - this.#waitStart);
    this.stop();
  }

  /** Stops the ticking (cancel, close, failure, result shown). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get stage(): TryOnStage {
    return this.#stage;
  }

  get uploadPercent(): number {
    return Math.floor(this.#upload * 100);
  }

  get waitedMs(): number {
    return this.#waitStart === undefined ? 0 : this.#now() - this.#waitStart;
  }

  get value(): number {
    return progressValue(this.#stage, this.#upload, this.waitedMs, this.#typicalMs);
  }

  get steps() {
    return stepStates(this.#stage);
  }

  /** The place in the provider account's line, while the job waits there. */
  get queue() {
    return this.#queue && queueWait(this.#queue);
  }

  /** Time left, once the provider has the job; undefined before. */
  get remaining(): Remaining | undefined {
    if (this.#waitStart === undefined) return undefined;
    if (this.#stage === 'finishing') return { kind: 'almost' };
    return estimateRemaining(this.waitedMs, this.#typicalMs);
  }
}
