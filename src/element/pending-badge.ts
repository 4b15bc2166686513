/**
 * The small "In progress" / "Ready" badge on the trigger while a try-on of this tab, for this
 * product, is pending (pending.ts). Part of the button's initial bundle: it reads sessionStorage
 * synchronously and asks the endpoint once per job and page whether the job is done, without
 * loading the panel (or Lit: it writes its one `<span>` itself).
 */
import type { ReactiveController } from 'lit';
import { dropPending, endpointBase, productKey, readPending, type PendingJob } from './pending.ts';
import type { TryOnHost } from './host.ts';

export type BadgeState = 'none' | 'progress' | 'ready';

export class PendingBadge implements ReactiveController {
  readonly #host: TryOnHost;
  #job: PendingJob | undefined;
  #ready = false;
  /** The job token last asked about, so one page asks once per job. */
  #checked: string | undefined;
  #element: HTMLSpanElement | undefined;
  /** Until the page has settled: the first render skips the storage read (see hostUpdate). */
  #deferred = true;

  constructor(host: TryOnHost) {
    this.#host = host;
    host.addController(this);
  }

  /** What the badge shows now. */
  get state(): BadgeState {
    if (!this.#job || this.#host.status !== 'idle') return 'none';
    return this.#ready ? 'ready' : 'progress';
  }

  hostUpdate(): void {
    if (this.#deferred) {
      // The button's first render happens while the page loads: the sessionStorage read and
      // the endpoint URL parse wait for an idle moment, then a second update shows any badge.
      this.#deferred = false;
      whenIdle(() => this.#host.requestUpdate());
      return;
    }
    const endpoint = endpointBase(this.#host.endpoint);
    const job = endpoint ? readPending(endpoint, productKey(this.#host.product, this.#host.garment)) : undefined;
    if (job?.job !== this.#job?.job) this.#ready = false;
    this.#job = job;
    if (job && this.#host.status === 'idle' && this.#checked !== job.job) {
      this.#checked = job.job;
      void this.#check(job);
    }
  }

  // One status request: enough to tell "ready" from "in progress"; the panel polls properly.
  async #check(job: PendingJob): Promise<void> {
    let status: string | undefined;
    try {
      const response = await fetch(`${job.endpoint}/jobs/${encodeURIComponent(job.job)}`, {
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (response.status >= 400 && response.status < 500 && response.status !== 429) status = 'gone';
      else if (response.ok) status = ((await response.json()) as { status?: string }).status;
    } catch {
      return; // Offline for a moment: keep showing "in progress"; opening the panel polls again.
    }
    if (this.#job?.job !== job.job) return;
    if (status === 'failed' || status === 'gone') {
      // Nothing to resume: the job failed or its token expired.
      dropPending(job.endpoint, job.key);
      this.#job = undefined;
    } else {
      this.#ready = status === 'completed';
    }
    this.#host.requestUpdate();
  }

  /** Shows, updates or removes the badge at the end of `button`. */
  renderInto(button: HTMLElement, labels: { progress: string; ready: string }): void {
    const state = this.state;
    if (state === 'none') {
      this.#element?.remove();
      this.#element = undefined;
      return;
    }
    const badge = (this.#element ??= document.createElement('span'));
    badge.setAttribute('part', 'badge');
    badge.className = 'badge';
    badge.dataset.state = state;
    badge.textContent = state === 'ready' ? labels.ready : labels.progress;
    if (badge.parentNode !== button) button.append(badge);
  }
}

/** Runs `callback` when the main thread is idle (soon after, where requestIdleCallback is missing). */
function whenIdle(callback: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout: 500 });
  else setTimeout(callback, 50);
}
