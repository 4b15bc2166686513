/**
 * The panel of <try-on-button>: loaded by dynamic import on first use, so a page that never
 * opens the try-on pays only for the button. Owns the status state machine, the flow
 * (consent → photo → submit → poll → result or error) and the panel's placement.
 */
import type { ReactiveController } from 'lit';
// lit-html alone: the host is not a LitElement (see try-on-button.ts), so the panel renders with `render()`.
import { html, nothing, render, type TemplateResult } from 'lit/html.js';
import { ClientError, isAbortError, isDefinitiveFailure, pollJob, resolveEndpoint, resolveGarment, submitJob } from '../client/index.ts';
import type { ErrorCode, JobStatus, SubmitResponse } from '../protocol.ts';
import type { RememberedPhoto } from '../client/memory.ts';
import { sendReusingPhoto } from '../client/photo-ref.ts';
import { PhotoError, processPhoto, type PhotoCheck, type ProcessedPhoto } from '../worker/index.ts';
import { CameraError, CameraSession, captureFrame, hasLiveCamera, type CameraFailure } from './camera.ts';
import { dragHasFiles, guidanceSeen, imageFromTransfer, markGuidanceSeen } from './photo-sources.ts';
import { expectsPortrait, renderCamera, renderCameraProblem, renderDropTarget, renderGuidance, renderPhotoChecks } from './views/capture.ts';
import { captureStyles } from './views/capture-styles.ts';
import type { TryOnStage } from './events.ts';
import { FocusController } from './controllers/focus.ts';
import { LocaleController } from './controllers/locale.ts';
import { IDLE, transition, type ShownError, type TryOnAction, type TryOnState, type TryOnStatus } from './machine.ts';
import { panelStyles } from './panel-styles.ts';
import { ProgressTracker } from './progress-tracker.ts';
import { ResultTools } from './result-tools.ts';
import { renderProgress } from './views/progress.ts';
import { progressResultStyles } from './views/progress-result-styles.ts';
import { PositionController } from './controllers/position.ts';
import type { TryOnStrings } from './strings.ts';
import { adoptCss } from './css.ts';
import { dropPending, productKey, readPending, writePending, type PendingJob } from './pending.ts';
import { renderConsentDetails } from './views/consent.ts';
import { renderError } from './views/error.ts';
import { icons } from './views/icons.ts';
import { PanelMemory } from './views/memory.ts';
import { memoryStyles } from './views/memory-styles.ts';
import type { TryOnHost } from './host.ts';
import type { TurnstileGate } from './turnstile.ts';

/** Refusals of the photo itself: sending the same photo again cannot help, only another photo. */
const PHOTO_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'image_undecodable',
  'image_heic_unsupported',
  'photo_too_large',
  'photo_too_many_pixels',
  'photo_unsupported_type',
  'photo_corrupt',
  'photo_rejected',
  'pose_unsupported',
  'moderation_blocked',
]);


/** One submission of one photo: its idempotency key and whether it failed for good. */
interface Attempt {
  key: string;
  /** What was asked (garment, product, category, consent, size): a changed request needs a new key. */
  fingerprint: string;
  /** True once the endpoint refused it or the job failed: only then does a retry get a new key. */
  definitive: boolean;
}


const PANEL_CSS = panelStyles + captureStyles + memoryStyles + progressResultStyles;

export { prefetchLocale } from './controllers/locale.ts';


/**
 * Controller of the panel, created by the element the first time it opens. Renders into the
 * element's shadow root (so every `::part` is reachable from the page).
 */
export class TryOnPanel implements ReactiveController {
  readonly host: TryOnHost;
  #state: TryOnState = IDLE;
  #consented = false;
  #file: File | undefined;
  #previewUrl: string | undefined;
  #processed: ProcessedPhoto | undefined;
  #attempt: Attempt | undefined;
  #stage: TryOnStage = 'preparing';
  #announcement = '';
  #work: AbortController | undefined;
  readonly #focus: FocusController;
  readonly #language: LocaleController;
  readonly #position: PositionController;
  // ---- 4A capture ----
  #camera = new CameraSession();
  #cameraState: 'off' | 'starting' | 'live' = 'off';
  #cameraProblem: CameraFailure | undefined;
  #source: 'picker' | 'camera' | 'drop' | 'paste' = 'picker';
  /** The photo being prepared and checked in the worker as soon as it is chosen. */
  #prepared: { file: File; promise: Promise<ProcessedPhoto>; work: AbortController } | undefined;
  #checks: PhotoCheck[] = [];
  #showGuidance = false;
  #dragDepth = 0;
  // 4B: the endpoint's handle of #processed (sent instead of the photo), and whether the photo came from memory.
  #photoRef: string | undefined;
  #fromMemory = false;
  readonly #memory: PanelMemory;
  // Cloudflare Turnstile (attribute turnstile-sitekey): its module loads only when the attribute is set.
  #turnstile: Promise<TurnstileGate> | undefined;
  /** A submit waits for Turnstile's token ("Checking your browser…"). */
  #checking = false;

  // 4C: the progress clock (steps, upload percent, estimate) and the result's tools.
  #progress = new ProgressTracker(() => this.host.requestUpdate());
  #result: ResultTools;

  constructor(host: TryOnHost) {
    this.host = host;
    // Controllers' hooks run in the order they were added: the panel is shown (position) before
    // focus moves into it (the panel's own hostUpdated).
    this.#position = new PositionController(host, () => this.#panelElement);
    host.addController(this);
    this.#language = new LocaleController(host, () => this.#state.status !== 'idle');
    this.#focus = new FocusController(host, {
      panel: () => this.#panelElement,
      trap: () => this.#position.sheet,
      // A new step of the progress gets the cancel button focused even if focus was still inside.
      force: () => this.#state.status === 'processing',
      onEscape: () => this.close(),
    });
    this.#result = new ResultTools(host);
    this.#memory = new PanelMemory(host, () => this.#strings, (photo) => this.#offerRemembered(photo));
    // One sheet for the whole panel, after the button's (which defines the theme tokens).
    adoptCss(host.renderRoot, PANEL_CSS);
  }

  /** Renders the panel into the host's shadow root, after the button. */
  renderInto(root: ShadowRoot): void {
    render(this.render(), root, { host: this.host });
  }

  /** The machine's current status (mirrored on the host's `status` attribute). */
  get status(): TryOnStatus {
    return this.#state.status;
  }

  get #strings(): TryOnStrings {
    return this.#language.strings;
  }

  #dispatch(action: TryOnAction): void {
    const next = transition(this.#state, action);
    if (next === this.#state) return;
    this.#state = next;
    if (next.status !== 'processing') this.#progress.stop();
    this.#focus.request();
    this.host.requestUpdate();
  }

  /** Opens the panel (no-op when already open). */
  async open(): Promise<void> {
    if (this.#state.status !== 'idle') return;
    // Open straight in the shopper's language (the locale chunk is small and usually cached),
    // and on a wide screen with the anchored panel's code.
    try {
      await Promise.all([this.#language.sync(), this.#position.prepare()]);
    } catch {
      this.host.emit('try-on-error', { code: 'network_error', message: 'The try-on could not load. Check your connection and try again.' });
      return;
    }
    if (this.#state.status !== 'idle') return;
    this.#position.attach();
    this.#focus.attach();
    document.addEventListener('paste', this.#onPaste);
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.addEventListener('pagehide', this.#onVisibility);
    this.#showGuidance = !guidanceSeen();
    this.#announcement = this.#strings.announceOpen;
    // Early, so the token is earned while the shopper consents and picks a photo.
    if (this.host.turnstileSitekey) this.#gate().catch(() => {}); // Reported on submit, which tries again.
    // A job this tab submitted for this product (before a reload, on another page, or before closing).
    const pending = this.#pendingJob();
    if (pending) this.#consented = true;
    this.#dispatch({ type: 'open', consented: this.#consented });
    if (pending) this.#resume(pending);
    await this.host.updateComplete;
    this.host.emit('try-on-open', {});
  }

  /** Closes the panel, abandoning work in flight. */
  close(options: { restoreFocus?: boolean; silent?: boolean } = {}): void {
    if (this.#state.status === 'idle') return;
    this.#work?.abort(new DOMException('The try-on panel was closed.', 'AbortError'));
    this.#work = undefined;
    document.removeEventListener('paste', this.#onPaste);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('pagehide', this.#onVisibility);
    this.#stopCamera();
    this.#prepared?.work.abort(new DOMException('The try-on panel was closed.', 'AbortError'));
    this.#dragDepth = 0;
    this.#position.detach();
    this.#dispatch({ type: 'close' });
    this.#focus.detach(options.restoreFocus !== false);
    if (!options.silent) this.host.emit('try-on-close', {});
  }

  hostDisconnected(): void {
    this.close({ restoreFocus: false, silent: true });
  }

  get #panelElement(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('[part="panel"]');
  }

  // ---- shopper actions -------------------------------------------------------------------

  #onConsent = (event: Event): void => {
    const given = (event.target as HTMLInputElement).checked;
    this.#consented = given;
    this.#dispatch({ type: 'consent', given });
    // Only now may the device's memory be read (IndexedDB is not even opened before).
    if (given) void this.#memory.load(this.#productKey);
    this.host.requestUpdate();
    this.host.emit('try-on-consent', { given, version: this.host.consentVersion });
  };

  #openPicker = (capture: boolean): void => {
    if (!this.#consented) return;
    // After a camera failure the OS camera (the `capture` input) may still work: it needs no site permission.
    if (capture && hasLiveCamera() && !this.#cameraProblem) {
      void this.#startCamera();
      return;
    }
    const input = this.host.renderRoot.querySelector<HTMLInputElement>(capture ? '.camera-input' : '[part="file-input"]');
    input?.click();
  };

  #onFile = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    // Reset so choosing the same file again still fires `change`.
    input.value = '';
    if (!file || !this.#consented) return;
    this.#setPhoto(file);
    this.host.emit('try-on-photo', { type: file.type, size: file.size });
  };

  #setPhoto(file: File, source: 'picker' | 'camera' | 'drop' | 'paste' = 'picker'): void {
    if (this.#previewUrl) URL.revokeObjectURL(this.#previewUrl);
    this.#file = file;
    this.#source = source;
    this.#stopCamera();
    this.#dismissGuidance();
    this.#precheck(file);
    this.#previewUrl = URL.createObjectURL(file);
    this.#processed = undefined;
    this.#photoRef = undefined;
    this.#fromMemory = false;
    this.#attempt = undefined;
    this.#dispatch({ type: 'pick-another' });
    this.#focus.request();
    this.host.requestUpdate();
  }

  #submit = (): void => {
    if (!this.#file || !this.#consented || this.#checking) return;
    void this.#afterCheck({ type: 'submit' });
  };

  #retry = (): void => {
    if (!this.#file || this.#checking) return;
    void this.#afterCheck({ type: 'retry' });
  };

  #gate(): Promise<TurnstileGate> {
    this.#turnstile ??= import('./turnstile.ts').then(
      (module) => new module.TurnstileGate(this.host, () => this.#language.locale),
      () => {
        this.#turnstile = undefined;
        throw new ClientError({ code: 'turnstile_unavailable', message: 'The security check could not load. Check your connection and try again.' });
      },
    );
    return this.#turnstile;
  }

  /** Starts the job, once Turnstile (when on) has a token: most shoppers never wait here. */
  async #afterCheck(action: TryOnAction): Promise<void> {
    if (this.host.turnstileSitekey) {
      const from = this.#state.status;
      this.#work?.abort();
      const work = (this.#work = new AbortController());
      this.#checking = true;
      this.#announcement = this.#strings.checkingBrowser;
      this.host.requestUpdate();
      try {
        await (await this.#gate()).whenReady(work.signal);
        // The shopper moved on meanwhile (unticked consent, closed the panel).
        if (this.#state.status !== from || work.signal.aborted) return;
      } catch (error) {
        if (work.signal.aborted || isAbortError(error)) return;
        this.#fail(error, 'photo'); // Nothing was sent: from capture (or the error shown) straight to the error.
        return;
      } finally {
        this.#checking = false;
        this.host.requestUpdate();
      }
    }
    this.#dispatch(action);
    void this.#run();
  }

  #cancel = (): void => {
    this.#work?.abort(new DOMException('Cancelled by the shopper.', 'AbortError'));
    this.#work = undefined;
    this.#dropPending();
    this.#dispatch({ type: 'cancel' });
  };

  #pickAnother = (): void => {
    this.#dispatch({ type: 'pick-another' });
    this.#openPicker(false);
  };

  // ---- 4A capture: camera, drop, paste, guidance, on-device checks -----------------------

  /** Prepares the photo in the worker at once, so its checks show before any credit is spent. */
  #precheck(file: File): void {
    this.#prepared?.work.abort();
    const work = new AbortController();
    const promise = processPhoto(file, { signal: work.signal, checks: { expectPortrait: expectsPortrait(this.host.category) } });
    this.#prepared = { file, promise, work };
    this.#checks = [];
    this.#announcement = this.#strings.checkingPhoto;
    promise.then(
      (processed) => {
        if (work.signal.aborted || this.#file !== file) return;
        this.#processed = processed;
        this.#checks = processed.checks;
        const s = this.#strings;
        this.#announcement = processed.checks.length ? [s.checksTitle, ...processed.checks.map((c) => s.checkHints[c.code])].join(' ') : '';
        this.host.requestUpdate();
      },
      (error: unknown) => {
        if (work.signal.aborted || this.#file !== file || isAbortError(error)) return;
        // A photo the browser cannot read (HEIC on Chromium, not an image) is refused now, not after submit.
        if (this.#state.status !== 'capture') return;
        this.#fail(error, 'photo');
      },
    );
  }

  /** The prepared photo for `file`, reusing the check run when it is for the same file. */
  async #preparedPhoto(file: File, signal: AbortSignal): Promise<ProcessedPhoto> {
    const prepared = this.#prepared;
    if (!prepared || prepared.file !== file || prepared.work.signal.aborted) return processPhoto(file, { signal });
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new DOMException('Photo processing was aborted.', 'AbortError')), { once: true }),
    );
    return Promise.race([prepared.promise, aborted]);
  }

  #dismissGuidance = (): void => {
    if (!this.#showGuidance) return;
    this.#showGuidance = false;
    markGuidanceSeen();
    this.host.requestUpdate();
  };

  #startCamera = async (deviceSwitch = false): Promise<void> => {
    if (!this.#consented) return;
    this.#dismissGuidance();
    this.#cameraProblem = undefined;
    this.#cameraState = 'starting';
    this.#announcement = this.#strings.cameraStarting;
    this.host.requestUpdate();
    try {
      await (deviceSwitch ? this.#camera.switchCamera() : this.#camera.start());
    } catch (error) {
      if (isAbortError(error)) return;
      this.#cameraState = 'off';
      this.#cameraProblem = error instanceof CameraError ? error.reason : 'none';
      const s = this.#strings;
      this.#announcement = { denied: s.cameraDenied, none: s.cameraNone, in_use: s.cameraInUse, unsupported: s.cameraUnsupported }[this.#cameraProblem];
      this.#focus.request();
      this.host.requestUpdate();
      return;
    }
    if (this.#state.status !== 'capture') {
      this.#camera.stop();
      return;
    }
    this.#cameraState = 'live';
    this.#announcement = '';
    this.#focus.request();
    this.host.requestUpdate();
  };

  #stopCamera(): void {
    this.#camera.stop();
    if (this.#cameraState === 'off') return;
    this.#cameraState = 'off';
    this.host.requestUpdate();
  }

  // `autoplay` alone waits for the element to be laid out; the preview should start as soon as
  // the stream's first frame size is known.
  #playVideo = (event: Event): void => {
    (event.target as HTMLVideoElement).play().catch(() => {});
  };

  #capture = async (): Promise<void> => {
    const video = this.host.renderRoot.querySelector<HTMLVideoElement>('.camera-video');
    if (!video || this.#cameraState !== 'live') return;
    let file: File;
    try {
      file = await captureFrame(video);
    } catch (error) {
      console.error('[try-on-button]', error);
      return;
    }
    this.#setPhoto(file, 'camera');
    this.host.emit('try-on-photo', { type: file.type, size: file.size });
  };

  /** A camera photo is replaced by another from the camera (retake); any other by the picker. */
  get #retaking(): boolean {
    return this.#source === 'camera' && !this.#fromMemory;
  }

  #changePhoto = (): void => {
    this.#openPicker(this.#retaking);
  };

  #onVisibility = (event: Event): void => {
    // A hidden page must not keep the camera (and its light) on.
    if (event.type === 'pagehide' || document.visibilityState === 'hidden') this.#stopCamera();
  };

  /** Whether a dropped or pasted photo may be taken now. */
  get #accepting(): boolean {
    return this.#state.status === 'capture' || this.#state.status === 'complete' || this.#state.status === 'error';
  }

  #takeTransferred(transfer: DataTransfer | null, source: 'drop' | 'paste'): boolean {
    const file = imageFromTransfer(transfer);
    if (!file) return false;
    if (!this.#consented || !this.#accepting) {
      this.#announcement = this.#strings.consentNeeded;
      this.host.requestUpdate();
      return true;
    }
    this.#setPhoto(file, source);
    this.host.emit('try-on-photo', { type: file.type, size: file.size });
    return true;
  }

  #onPaste = (event: ClipboardEvent): void => {
    if (this.#state.status === 'idle' || this.#state.status === 'processing') return;
    // Text pasted into a field of the page stays text.
    if (!imageFromTransfer(event.clipboardData)) return;
    if (this.#takeTransferred(event.clipboardData, 'paste')) event.preventDefault();
  };

  #onDragEnter = (event: DragEvent): void => {
    if (!dragHasFiles(event)) return;
    event.preventDefault();
    this.#dragDepth++;
    if (this.#dragDepth === 1) this.host.requestUpdate();
  };

  #onDragOver = (event: DragEvent): void => {
    if (!dragHasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    if (this.#dragDepth === 0) {
      this.#dragDepth = 1;
      this.host.requestUpdate();
    }
  };

  #onDragLeave = (event: DragEvent): void => {
    if (!dragHasFiles(event) || this.#dragDepth === 0) return;
    this.#dragDepth--;
    if (this.#dragDepth === 0) this.host.requestUpdate();
  };

  #onDrop = (event: DragEvent): void => {
    event.preventDefault();
    this.#dragDepth = 0;
    this.host.requestUpdate();
    this.#takeTransferred(event.dataTransfer, 'drop');
  };

  /** Guidance (first time only) and why the live camera is unavailable, above the photo area. */
  #renderCaptureNotes(s: TryOnStrings): TemplateResult | typeof nothing {
    if (!this.#consented || this.#cameraState !== 'off') return nothing;
    return html`${this.#cameraProblem ? renderCameraProblem(s, this.#cameraProblem) : nothing}
    ${this.#showGuidance && !this.#previewUrl ? renderGuidance(s, this.host.category, this.#dismissGuidance) : nothing}`;
  }

  #renderLiveCamera(s: TryOnStrings): TemplateResult {
    const settings = this.#camera.stream?.getVideoTracks()[0]?.getSettings();
    return renderCamera(s, {
      starting: this.#cameraState === 'starting',
      canSwitch: this.#camera.canSwitch,
      mirrored: settings?.facingMode !== 'environment',
      stream: this.#camera.stream ?? null,
      onReady: this.#playVideo,
      onCapture: () => void this.#capture(),
      onSwitch: () => void this.#startCamera(true),
      onBack: () => this.#stopCamera(),
    });
  }

  // ---- the job ---------------------------------------------------------------------------

  #setStage(stage: TryOnStage, signal: AbortSignal): void {
    if (signal.aborted) return;
    this.#stage = stage;
    this.#progress.setStage(stage);
    this.#announcement = this.#stageText(stage);
    this.host.requestUpdate();
  }

  #stageText(stage: TryOnStage): string {
    const s = this.#strings;
    return {
      preparing: s.stagePreparing,
      uploading: s.stageUploading,
      queued: s.stageQueued,
      processing: s.stageProcessing,
      finishing: s.stageFinishing,
    }[stage];
  }

  /** Runs one attempt end to end. Results arriving after abort (close, cancel) are dropped. */
  async #run(resume?: PendingJob): Promise<void> {
    this.#work?.abort();
    const work = new AbortController();
    this.#work = work;
    const { signal } = work;
    const file = this.#file;
    if (!file && !resume) return;
    const host = this.host;
    let phase: 'photo' | 'request' | 'job' = 'photo';
    try {
      const endpoint = resolveEndpoint(host.endpoint, document.baseURI);
      this.#progress.begin(endpoint);
      let submitted: Pick<SubmitResponse, 'job' | 'status' | 'pollAfterMs'>;
      if (resume) {
        phase = 'request';
        submitted = { job: resume.job, status: 'queued', pollAfterMs: 0 };
      } else {
        this.#setStage('preparing', signal);
        const processed = this.#processed ?? (await this.#preparedPhoto(file!, signal));
        if (signal.aborted) return;
        this.#processed = processed;

        phase = 'request';
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
        const reuse = this.#photoRef;
        const gate = host.turnstileSitekey ? await this.#gate() : undefined;
        const { answer } = await sendReusingPhoto({ blob: processed.blob, photoRef: reuse }, (photo) => {
          if (photo.photo && reuse) {
            // The handle expired: sending the photo is a different request, so it gets its own key.
            attempt.key = crypto.randomUUID();
            this.#photoRef = undefined;
          }
          return submitJob(endpoint, { ...photo, ...fields }, {
            idempotencyKey: attempt.key,
            signal,
            ...(gate && { turnstileToken: () => gate.take(signal) }),
            onUploadProgress: (fraction) => {
              if (!signal.aborted) this.#progress.setUpload(fraction);
            },
          });
        });
        this.#afterSubmit(endpoint, answer, processed);
        submitted = answer;
      }
      this.#setStage(submitted.status === 'processing' ? 'processing' : 'queued', signal);
      const final = await pollJob(endpoint, submitted, {
        signal,
        onStatus: (status) => {
          if (signal.aborted) return;
          const stage: TryOnStage = status.status === 'queued' ? 'queued' : status.status === 'processing' ? 'processing' : 'finishing';
          this.#setStage(stage, signal);
          host.emit('try-on-progress', { status: status.status as JobStatus, stage });
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
      if (!resume) this.#progress.completed();
      const images = final.images.map((src) => new URL(src, `${endpoint}/`).href);
      this.#setStage('finishing', signal);
      await preload(images[0]!, signal);
      if (signal.aborted) return;
      this.#announcement = this.#strings.announceComplete;
      this.#dispatch({ type: 'complete', images });
      this.#afterResult(endpoint, images);
      host.emit('try-on-complete', { images });
    } catch (error) {
      if (signal.aborted || isAbortError(error)) return;
      this.#fail(error, phase);
    } finally {
      if (this.#work === work) this.#work = undefined;
    }
  }

  #fail(error: unknown, phase: 'photo' | 'request' | 'job'): void {
    const s = this.#strings;
    let code: ErrorCode = 'internal_error';
    let fallback = s.errors.default;
    let details: string[] | undefined;
    if (error instanceof PhotoError || error instanceof ClientError) {
      code = error.code;
      fallback = error.message || fallback;
      if (error instanceof ClientError) details = error.details;
    } else {
      // A merchant misconfiguration (no endpoint) or a bug: the console says which.
      console.error('[try-on-button]', error);
    }
    // The job failed, its token was refused, or polling gave up: nothing left to resume.
    if (phase !== 'photo') this.#dropPending();
    if (this.#attempt && phase !== 'photo' && error instanceof ClientError) {
      this.#attempt.definitive ||= isDefinitiveFailure(error, phase === 'job' ? 'job' : 'request');
    }
    const message = s.errors[code] ?? fallback;
    const shown: ShownError = { code, message, details, retryable: !PHOTO_REFUSALS.has(code) && !(error instanceof PhotoError) };
    // The error part is role="alert" (assertive); repeating it in the polite region would say it twice.
    this.#announcement = '';
    this.#dispatch({ type: 'fail', error: shown });
    this.host.emit('try-on-error', { code, message });
  }

  // ---- 4B: memory and resume -------------------------------------------------------------

  get #productKey(): string {
    return productKey(this.host.product, this.host.garment);
  }

  #endpointOrUndefined(): string | undefined {
    try {
      return resolveEndpoint(this.host.endpoint, document.baseURI);
    } catch {
      return undefined;
    }
  }

  /** This tab's pending job for this product, when its consent is the one the element asks now. */
  #pendingJob(): PendingJob | undefined {
    const endpoint = this.#endpointOrUndefined();
    const job = endpoint ? readPending(endpoint, this.#productKey) : undefined;
    return job?.consent === this.host.consentVersion ? job : undefined;
  }

  #dropPending(): void {
    const endpoint = this.#endpointOrUndefined();
    if (endpoint) dropPending(endpoint, this.#productKey);
  }

  /** Picks up a job submitted earlier: straight to its progress (or result, if it is done). */
  #resume(job: PendingJob): void {
    void this.#memory.load(this.#productKey);
    this.#dispatch({ type: 'submit' });
    this.#announcement = this.#strings.announceResumed;
    void this.#run(job);
  }

  /** A photo saved on this device, found after consent: offered unless the shopper already chose one. */
  #offerRemembered(photo: RememberedPhoto): void {
    if (this.#file || this.#state.status !== 'capture') return;
    this.#file = new File([photo.blob], 'saved-photo.jpg', { type: photo.blob.type || 'image/jpeg' });
    this.#previewUrl = URL.createObjectURL(photo.blob);
    // Checked on the device when it was first taken; nothing to warn about again.
    this.#processed = { blob: photo.blob, width: photo.width, height: photo.height, bytes: photo.blob.size, type: 'image/jpeg', ms: 0, checks: [] } as ProcessedPhoto;
    this.#photoRef = photo.photoRef;
    this.#fromMemory = true;
    this.#focus.request();
    this.host.requestUpdate();
  }

  #afterSubmit(endpoint: string, submitted: SubmitResponse, processed: ProcessedPhoto): void {
    const host = this.host;
    if (submitted.photoRef) this.#photoRef = submitted.photoRef;
    const garment = resolveGarment(host.garment, document.baseURI);
    writePending({
      endpoint,
      key: this.#productKey,
      job: submitted.job,
      pollAfterMs: submitted.pollAfterMs,
      ...(host.product && { product: host.product }),
      ...(garment && { garment }),
      category: host.category,
      consent: host.consentVersion,
      startedAt: Date.now(),
    });
    void this.#memory.savePhoto(processed, submitted.photoRef);
  }

  #afterResult(endpoint: string, images: string[]): void {
    dropPending(endpoint, this.#productKey);
    if (images[0]) void this.#memory.addResult(images[0]);
  }

  #forget = async (): Promise<void> => {
    await this.#memory.forget(this.#endpointOrUndefined());
    if (this.#fromMemory && !this.#memory.photo) {
      if (this.#previewUrl) URL.revokeObjectURL(this.#previewUrl);
      this.#file = undefined;
      this.#previewUrl = undefined;
      this.#processed = undefined;
      this.#photoRef = undefined;
      this.#fromMemory = false;
    }
    this.#announcement = this.#memory.takeNotice();
    this.host.requestUpdate();
  };

  // ---- rendering -------------------------------------------------------------------------

  render(): TemplateResult | typeof nothing {
    if (this.#state.status === 'idle') return nothing;
    const s = this.#strings;
    const sheet = this.#position.sheet;
    return html`<div
      id="panel"
      part="panel"
      class="panel ${sheet ? 'sheet' : 'anchored'}"
      role="dialog"
      lang=${this.#language.lang ?? nothing}
      aria-modal=${sheet ? 'true' : nothing}
      aria-labelledby="title"
      popover="manual"
      tabindex="-1"
      data-status=${this.#state.status}
      @keydown=${this.#focus.onPanelKeydown}
      @dragenter=${this.#onDragEnter}
      @dragover=${this.#onDragOver}
      @dragleave=${this.#onDragLeave}
      @drop=${this.#onDrop}
    >
      <header class="head">
        <h2 id="title">${s.title}</h2>
        <button part="close" class="icon-button" type="button" aria-label=${s.close} @click=${() => this.close()}>${icons.close}</button>
      </header>
      <div class="body">${this.#renderBody(s)}</div>
      ${this.host.turnstileSitekey ? html`<slot name="turnstile"></slot>` : nothing}
      <input
        part="file-input"
        class="visually-hidden"
        type="file"
        accept="image/*"
        tabindex="-1"
        aria-hidden="true"
        ?disabled=${!this.#consented}
        @change=${this.#onFile}
      />
      <input class="camera-input visually-hidden" type="file" accept="image/*" capture="user" tabindex="-1" aria-hidden="true" ?disabled=${!this.#consented} @change=${this.#onFile} />
      ${renderDropTarget(s, this.#dragDepth > 0)}
      <div class="visually-hidden" role="status" aria-live="polite">${this.#announcement}</div>
    </div>`;
  }

  #renderBody(s: TryOnStrings): TemplateResult {
    const state = this.#state;
    switch (state.status) {
      case 'processing':
        return this.#renderProgress(s);
      case 'complete':
        return this.#result.render(s, { image: state.images[0] ?? '', before: this.#processed?.blob, onTryAnother: this.#pickAnother });
      case 'error':
        return renderError(s, {
          error: state.error,
          canRetry: state.error.retryable && !!this.#file,
          checking: this.#checking,
          onRetry: this.#retry,
          onPickAnother: this.#pickAnother,
        });
      default:
        return this.#renderCapture(s);
    }
  }

  #renderCapture(s: TryOnStrings): TemplateResult {
    const host = this.host;
    const consented = this.#consented;
    const hasCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
    return html`
      <p class="intro">${s.intro}</p>
      <label class="consent">
        <input part="consent-checkbox" type="checkbox" aria-describedby=${consented ? nothing : 'consent-details'} .checked=${consented} ?data-autofocus=${!consented} @change=${this.#onConsent} />
        <span
          >${s.consentLabel(host.merchant || s.fallbackMerchant)}
          ${host.policyUrl ? html`<a href=${host.policyUrl} target="_blank" rel="noopener">${s.privacyPolicy}</a>` : nothing}</span
        >
      </label>
      ${consented ? nothing : renderConsentDetails(s, host.merchant || s.fallbackMerchant, host.retention)}
      ${this.#renderCaptureNotes(s)}
      ${this.#cameraState !== 'off'
        ? this.#renderLiveCamera(s)
        : this.#previewUrl
        ? html`<figure class="preview">
              <img part="preview" src=${this.#previewUrl} alt=${s.previewAlt} />
              ${this.#fromMemory ? html`<figcaption class="saved-caption">${s.savedPhotoCaption}</figcaption>` : nothing}
            </figure>
            ${renderPhotoChecks(s, this.#checks)}
            <div class="actions">
              <button part=${this.#retaking ? 'retake' : 'change-photo'} class="button secondary" type="button" ?disabled=${!consented} @click=${this.#changePhoto}>
                ${this.#fromMemory ? s.useAnotherPhoto : this.#retaking ? s.retake : s.changePhoto}
              </button>
              <button part="submit" class="button primary" type="button" ?disabled=${!consented} aria-disabled=${this.#checking ? 'true' : nothing} ?data-autofocus=${consented} @click=${this.#submit}>
                ${this.#checking ? s.checkingBrowser : this.#fromMemory ? s.useSavedPhoto : this.#checks.length ? s.useAnyway : s.submit}
              </button>
            </div>`
        : html`<div class="picker ${consented ? '' : 'locked'}">
            <button part="choose" class="button primary wide" type="button" ?disabled=${!consented} ?data-autofocus=${consented} @click=${() => this.#openPicker(false)}>
              ${icons.photo}<span>${s.choosePhoto}</span>
            </button>
            <button part="take-photo" class="button secondary wide" type="button" ?hidden=${!hasCamera} ?disabled=${!consented} @click=${() => this.#openPicker(true)}>
              ${icons.camera}<span>${s.camera}</span>
            </button>
            <p class="hint">${consented ? s.photoTips : s.consentNeeded}</p>
            ${consented ? html`<p class="hint drop-hint">${s.dropOrPaste}</p>` : nothing}
          </div>`}
      ${consented && (this.#previewUrl || this.#memory.photo) ? this.#memory.renderControls(s, this.#forget, this.#fromMemory) : nothing}
      ${consented ? this.#memory.renderHistory(s) : nothing}
    `;
  }

  #renderProgress(s: TryOnStrings): TemplateResult {
    return renderProgress({
      strings: s,
      progress: this.#progress,
      stageText: this.#stageText(this.#stage),
      previewUrl: this.#previewUrl,
      onCancel: this.#cancel,
    });
  }
}

/** Waits until the result image is decoded so it appears at once; a failure still shows it. */
async function preload(src: string, signal: AbortSignal): Promise<void> {
  const img = new Image();
  img.src = src;
  const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.race([img.decode().catch(() => undefined), aborted]);
}
