/**
 * One try-on job, end to end: submit (with an idempotency key per attempt, the photo's handle
 * instead of the photo when the endpoint still has it, a fresh Turnstile token per attempt),
 * poll until it ends, resume one this tab submitted earlier (pending.ts), cancel (giving up a
 * place in the provider account's line at the endpoint). Each step
 * takes an AbortSignal and drops results that arrive after it aborted (closed, cancelled).
 * The job reports its outcome; the panel's state machine decides what happens next.
 */
import type { ReactiveController } from 'lit';
import { ClientError, isAbortError, isDefinitiveFailure, pollJob, resolveEndpoint, resolveGarment, submitJob } from '../../client/index.ts';
import { deleteJob } from '../../client/delete.ts';
import { sendReusingPhoto } from '../../client/photo-ref.ts';
import type { JobStatus, QueuePlace, SubmitResponse } from '../../protocol.ts';
import type { ProcessedPhoto } from '../../worker/index.ts';
import type { TryOnStage } from '../events.ts';
import type { TryOnHost } from '../host.ts';
import { dropPending, endpointBase, productKey, readPending, writePending, type PendingJob } from '../pending.ts';
import { ProgressTracker } from '../progress-tracker.ts';
import type { TryOnStrings } from '../strings.ts';
import type { TurnstileCheck } from './turnstile.ts';

/** One submission of one photo: its idempotency key and whether it failed for good. */
interface Attempt {
  key: string;
  /** What was asked (garment, product, category, consent, size): a changed request needs a new key. */
  fingerprint: string;
  /** True once the endpoint refused it or the job failed: only then does a retry get a new key. */
  definitive: boolean;
}

/** The photo a job sends (the panel's PhotoController). */
export interface PhotoToSend {
  readonly file: File | undefined;
  /** The processed photo, reusing the on-device check's run. */
  prepared(signal: AbortSignal): Promise<ProcessedPhoto>;
  /** The endpoint's handle of the processed photo, sent instead of it while valid. */
  ref: string | undefined;
}

export interface JobOptions {
  strings: () => TryOnStrings;
  photo: PhotoToSend;
  turnstile: TurnstileCheck;
  /** Says something in the panel's polite live region (each stage as it begins). */
  announce: (text: string) => void;
  /** The endpoint accepted the photo (the memory may keep it with its handle). */
  onSubmitted: (photo: ProcessedPhoto, photoRef: string | undefined) => void;
  /** The result is ready and decoded. */
  onComplete: (images: string[]) => void;
  onFail: (error: unknown) => void;
}

export class JobController implements ReactiveController {
  readonly #host: TryOnHost;
  readonly #options: JobOptions;
  #attempt: Attempt | undefined;
  #work: AbortController | undefined;
  #stage: TryOnStage = 'preparing';
  /** The job waiting in the provider account's line now (its last answer carried a place). */
  #inLine: { endpoint: string; job: string } | undefined;
  /** The progress clock: steps, upload percent, time left. */
  readonly progress: ProgressTracker;

  constructor(host: TryOnHost, options: JobOptions) {
    this.#host = host;
    this.#options = options;
    this.progress = new ProgressTracker(() => host.requestUpdate());
    host.addController(this);
  }

  hostDisconnected(): void {
    this.abort(new DOMException('The try-on button left the page.', 'AbortError'));
  }

  /** What the stage line says now. */
  get stageText(): string {
    const s = this.#options.strings();
    return {
      preparing: s.stagePreparing,
      uploading: s.stageUploading,
      queued: s.stageQueued,
      processing: s.stageProcessing,
      finishing: s.stageFinishing,
    }[this.#stage];
  }

  /**
   * Abandons any work in flight and returns the signal of the next: the work before a submit
   * (the security check) and the job itself stop when the panel closes or the shopper cancels.
   */
  renew(): AbortSignal {
    this.#work?.abort();
    this.#work = new AbortController();
    return this.#work.signal;
  }

  /** Stops the work in flight; its results are dropped. */
  abort(reason: unknown): void {
    this.#work?.abort(reason);
    this.#work = undefined;
    this.#inLine = undefined;
    this.progress.stop();
  }

  /**
   * The shopper cancelled: the job is stopped and forgotten, nothing is resumed later. A job still
   * in the account's line gives its place up now (nothing was paid for it yet) rather than 30 s
   * after its last poll; a try again is then a new job, with a new key.
   */
  cancel(): void {
    const inLine = this.#inLine;
    this.abort(new DOMException('Cancelled by the shopper.', 'AbortError'));
    this.dropPending();
    if (inLine) {
      this.#attempt = undefined;
      // Not reached: the place lapses by itself once the polls stopped.
      deleteJob(inLine.endpoint, inLine.job).catch(() => {});
    }
  }

  /** A new photo: its first submit gets a new key. */
  forgetAttempt(): void {
    this.#attempt = undefined;
  }

  /** This tab's pending job for this product, when its consent is the one the element asks now. */
  pending(): PendingJob | undefined {
    const endpoint = endpointBase(this.#host.endpoint);
    const job = endpoint ? readPending(endpoint, this.#productKey) : undefined;
    return job?.consent === this.#host.consentVersion ? job : undefined;
  }

  dropPending(): void {
    const endpoint = endpointBase(this.#host.endpoint);
    if (endpoint) dropPending(endpoint, this.#productKey);
  }

  /** Runs one attempt end to end, or picks up `resume` (a job submitted earlier) at its polling. */
  async run(resume?: PendingJob): Promise<void> {
    const signal = this.renew();
    const work = this.#work;
    const host = this.#host;
    const { photo } = this.#options;
    if (!photo.file && !resume) return;
    let phase: 'photo' | 'request' | 'job' = 'photo';
    try {
      const endpoint = resolveEndpoint(host.endpoint, document.baseURI);
      this.progress.begin(endpoint);
      let submitted: Pick<SubmitResponse, 'job' | 'status' | 'pollAfterMs' | 'queue'>;
      if (resume) {
        phase = 'request';
        submitted = { job: resume.job, status: 'queued', pollAfterMs: 0 };
      } else {
        this.#setStage('preparing', signal);
        const processed = await photo.prepared(signal);
        if (signal.aborted) return;
        phase = 'request';
        submitted = await this.#submit(endpoint, processed, signal);
      }
      const { job } = submitted;
      this.#setStage(submitted.status === 'processing' ? 'processing' : 'queued', signal, endpoint, job, submitted.queue);
      const final = await pollJob(endpoint, submitted, {
        signal,
        onStatus: ({ status, queue }) => {
          if (signal.aborted) return;
          const stage: TryOnStage = status === 'queued' ? 'queued' : status === 'processing' ? 'processing' : 'finishing';
          this.#setStage(stage, signal, endpoint, job, queue);
          host.emit('try-on-progress', { status: status as JobStatus, stage, ...(queue && { queue }) });
        },
      });
      if (signal.aborted) return;
      phase = 'job';
      if (final.status === 'failed' || !final.images?.length) {
        throw new ClientError({
          code: final.error?.code ?? 'generation_failed',
          message: final.error?.message ?? 'The preview could not be created.',
          ...(final.error?.details && { details: final.error.details }),
        });
      }
      // A resumed job's clock started late: its duration would teach the estimate a wrong pace.
      if (!resume) this.progress.completed();
      const images = final.images.map((src) => new URL(src, `${endpoint}/`).href);
      this.#setStage('finishing', signal);
      await preload(images[0]!, signal);
      if (signal.aborted) return;
      dropPending(endpoint, this.#productKey);
      this.#options.onComplete(images);
    } catch (error) {
      if (signal.aborted || isAbortError(error)) return;
      // The job failed, its token was refused, or polling gave up: nothing left to resume.
      if (phase !== 'photo') this.dropPending();
      if (this.#attempt && phase !== 'photo' && error instanceof ClientError) {
        this.#attempt.definitive ||= isDefinitiveFailure(error, phase === 'job' ? 'job' : 'request');
      }
      this.#options.onFail(error);
    } finally {
      if (this.#work === work) this.#work = undefined;
    }
  }

  /** `POST /jobs`: the handle or the photo, the same key for the same request until it fails for good. */
  async #submit(endpoint: string, processed: ProcessedPhoto, signal: AbortSignal): Promise<SubmitResponse> {
    const host = this.#host;
    const { photo } = this.#options;
    const garment = resolveGarment(host.garment, document.baseURI);
    const product = host.product || undefined;
    // The endpoint refuses a key reused for a different request, and a changed request is a new job anyway.
    const fingerprint = JSON.stringify([garment, product, host.category, host.consentVersion, host.size]);
    if (!this.#attempt || this.#attempt.definitive || this.#attempt.fingerprint !== fingerprint) {
      this.#attempt = { key: crypto.randomUUID(), fingerprint, definitive: false };
    }
    const attempt = this.#attempt;
    host.emit('try-on-start', { category: host.category, garment, product });
    this.#setStage('uploading', signal);
    const fields = {
      ...(garment && { garment }),
      ...(product && { product }),
      category: host.category,
      consent: host.consentVersion,
      ...(host.size && { size: host.size }),
    };
    const reuse = photo.ref;
    const tokens = await this.#options.turnstile.tokens();
    const { answer } = await sendReusingPhoto({ blob: processed.blob, photoRef: reuse }, (field) => {
      if (field.photo && reuse) {
        // The handle expired: sending the photo is a different request, so it gets its own key.
        attempt.key = crypto.randomUUID();
        photo.ref = undefined;
      }
      return submitJob(
        endpoint,
        { ...field, ...fields },
        {
          idempotencyKey: attempt.key,
          signal,
          ...(tokens && { turnstileToken: () => tokens(signal) }),
          onUploadProgress: (fraction) => {
            if (!signal.aborted) this.progress.setUpload(fraction);
          },
        },
      );
    });
    if (answer.photoRef) photo.ref = answer.photoRef;
    writePending({
      endpoint,
      key: this.#productKey,
      job: answer.job,
      pollAfterMs: answer.pollAfterMs,
      ...(host.product && { product: host.product }),
      ...(garment && { garment }),
      category: host.category,
      consent: host.consentVersion,
      startedAt: Date.now(),
    });
    this.#options.onSubmitted(processed, answer.photoRef);
    return answer;
  }

  /** `queue`, with the job's `endpoint` and token: the place while it waits in the account's line. */
  #setStage(stage: TryOnStage, signal: AbortSignal, endpoint?: string, job?: string, queue?: QueuePlace): void {
    if (signal.aborted) return;
    this.#stage = stage;
    this.#inLine = queue && stage === 'queued' ? { endpoint: endpoint!, job: job! } : undefined;
    this.progress.setStage(stage, queue);
    this.#options.announce(this.stageText);
    this.#host.requestUpdate();
  }

  get #productKey(): string {
    return productKey(this.#host.product, this.#host.garment);
  }
}

/** Waits until the result image is decoded so it appears at once; a failure still shows it. */
async function preload(src: string, signal: AbortSignal): Promise<void> {
  const img = new Image();
  img.src = src;
  const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.race([img.decode().catch(() => undefined), aborted]);
}
