/**
 * The panel of <try-on-button>: loaded by dynamic import on first use, so a page that never
 * opens the try-on pays only for the button. It holds the state machine (machine.ts) and wires
 * the controllers that do the work to it: each reports what happened, the machine decides what
 * happens next, and the view is a function of the state (views/). It also owns the one polite
 * live region every part speaks through. It is over 400 lines because it is where the machine meets
 * every controller and the frame's template; the work itself lives in the controllers and views.
 *
 * - position: the modal <dialog>, centred with two panes or a full-screen sheet;
 * - focus: into each new view, Tab kept inside, Esc, back to the button;
 * - language: the locale and the merchant's strings;
 * - photo: the chosen photo, its checks in the worker, drop and paste;
 * - camera: the live camera;
 * - memory: what the shopper keeps on this device;
 * - turnstile: the security check before a submit;
 * - job: submit, poll, resume, cancel;
 * - result: the result's tools (compare, zoom, download, share, add to cart).
 */
import type { ReactiveController } from 'lit';
// lit-html alone: the host is not a LitElement (see try-on-button.ts), so the panel renders with `render()`.
import { html, nothing, render, type TemplateResult } from 'lit/html.js';
import { resolveGarment } from '../client/endpoint.ts';
import { isAbortError } from '../client/errors.ts';
import { CameraController } from './controllers/camera.ts';
import { FocusController } from './controllers/focus.ts';
import { JobController } from './controllers/job.ts';
import { LocaleController } from './controllers/locale.ts';
import { PhotoMemory } from './controllers/memory.ts';
import { PhotoController, type PhotoSource } from './controllers/photo.ts';
import { PositionController } from './controllers/position.ts';
import { TurnstileCheck } from './controllers/turnstile.ts';
import { adoptCss } from './css.ts';
import type { TryOnHost } from './host.ts';
import { sleep } from '../shared/time.ts';
import { precheck } from './precheck.ts';
import { prefetchLocale } from './controllers/locale.ts';
import { IDLE, transition, type TryOnAction, type TryOnState, type TryOnStatus } from './machine.ts';
import { panelStyles } from './panel-styles.ts';
import { endpointBase, productKey } from './pending.ts';
import { ResultTools } from './result-tools.ts';
import type { TryOnStrings } from './strings.ts';
import { renderCapture, renderDropTarget } from './views/capture.ts';
import { icons } from './views/icons.ts';
import { captureStyles } from './views/capture-styles.ts';
import { renderError } from './views/error.ts';
import { renderHistory, renderMemoryControls } from './views/memory.ts';
import { memoryStyles } from './views/memory-styles.ts';
import { renderProgress } from './views/progress.ts';
import { progressResultStyles } from './views/progress-result-styles.ts';
import { shownError } from './shown-error.ts';

export { prefetchLocale } from './controllers/locale.ts';

/** How long opening waits for the product check before it opens anyway (see open()). */
const CHECK_WAIT_MS = 1500;
/** Said once per page: without `policy-url` the consent names a privacy policy it cannot link to. */
let policyWarned = false;

/** On intent (hover, focus, touch): the strings and the endpoint's check of the product start now. */
export function prefetch(host: TryOnHost): void {
  prefetchLocale(host);
  void precheck(host);
}

const PANEL_CSS = panelStyles + captureStyles + memoryStyles + progressResultStyles;

/**
 * Controller of the panel, created by the element the first time it opens. Renders into the
 * element's shadow root (so every `::part` is reachable from the page).
 */
export class TryOnPanel implements ReactiveController {
  readonly host: TryOnHost;
  #state: TryOnState = IDLE;
  #consented = false;
  #announcement = '';
  readonly #position: PositionController;
  readonly #language: LocaleController;
  readonly #focus: FocusController;
  readonly #photo: PhotoController;
  readonly #camera: CameraController;
  readonly #memory: PhotoMemory;
  readonly #turnstile: TurnstileCheck;
  readonly #job: JobController;
  readonly #result: ResultTools;

  constructor(host: TryOnHost) {
    this.host = host;
    const strings = () => this.#strings;
    const announce = (text: string) => {
      this.#announcement = text;
      host.requestUpdate();
    };
    // Controllers' hooks run in the order they were added: the panel is shown (position) before
    // focus moves into it.
    this.#position = new PositionController(host, () => this.#panelElement);
    host.addController(this);
    this.#language = new LocaleController(host, () => this.#state.status !== 'idle');
    this.#focus = new FocusController(host, {
      panel: () => this.#panelElement,
      // A new step of the progress gets the cancel button focused even if focus was still inside.
      force: () => this.#state.status === 'processing',
      onEscape: () => this.close(),
    });
    this.#photo = new PhotoController(host, {
      strings,
      announce,
      // Only while the shopper is still choosing: a late refusal must not move a panel that went on.
      onRefused: (error) => {
        if (this.#state.status === 'capture') this.#fail(error);
      },
      onTransfer: (file, source) => {
        if (this.#consented && (this.#state.status === 'capture' || this.#state.status === 'complete' || this.#state.status === 'error')) {
          this.#choose(file, source);
        } else announce(this.#strings.consentNeeded);
      },
      pasteWanted: () => this.#state.status !== 'idle' && this.#state.status !== 'processing',
    });
    this.#camera = new CameraController(host, {
      strings,
      announce,
      allowed: () => this.#state.status === 'capture',
      focus: () => this.#focus.request(),
      onPhoto: (file) => this.#choose(file, 'camera'),
    });
    this.#memory = new PhotoMemory(host, strings, (saved) => {
      // Offered unless the shopper already chose a photo.
      if (this.#state.status === 'capture' && this.#photo.offer(saved)) this.#focus.request();
    });
    this.#turnstile = new TurnstileCheck(host, () => this.#language.locale);
    this.#job = new JobController(host, {
      strings,
      photo: this.#photo,
      turnstile: this.#turnstile,
      announce,
      onSubmitted: (photo, ref) => void this.#memory.savePhoto(photo, ref),
      onComplete: (images) => {
        this.#announcement = this.#strings.announceComplete;
        this.#dispatch({ type: 'complete', images });
        if (images[0]) void this.#memory.addResult(images[0]);
        host.emit('try-on-complete', { images });
      },
      onFail: (error) => this.#fail(error),
    });
    this.#result = new ResultTools(host, announce);
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

  get #panelElement(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector<HTMLDialogElement>('[part="panel"]');
  }

  get #productKey(): string {
    return productKey(this.host.product, this.host.garment);
  }

  #dispatch(action: TryOnAction): void {
    const next = transition(this.#state, action);
    if (next === this.#state) return;
    this.#state = next;
    if (next.status !== 'processing') this.#job.progress.stop();
    this.#focus.request();
    this.host.requestUpdate();
  }

  /**
   * Opens the panel (no-op when already open).
   * @throws when not even English strings could be loaded (offline); the element reports it.
   */
  async open(): Promise<void> {
    if (this.#state.status !== 'idle') return;
    // Open straight in the shopper's language (the locale chunk is small and usually cached),
    // knowing whether this product can be tried on at all: if not, that is all the panel says.
    // The check usually ran on hover or touch; a slow endpoint (a cold serverless start) gets
    // CHECK_WAIT_MS, then the panel opens and a refusal that comes later still ends the consent
    // and photo steps, before anything is sent.
    const check = precheck(this.host);
    const [, refusal] = await Promise.all([this.#language.sync(), Promise.race([check, sleep(CHECK_WAIT_MS).then(() => undefined)])]);
    if (this.#state.status !== 'idle') return;
    if (!refusal)
      void check.then((late) => {
        if (late && (this.#state.status === 'consent' || this.#state.status === 'capture')) this.#fail(late);
      });
    if (!this.host.policyUrl && !policyWarned) {
      policyWarned = true;
      console.warn('[try-on-button] Set policy-url: the consent cannot link to your privacy policy.');
    }
    this.#position.attach();
    this.#focus.attach();
    this.#photo.attach();
    this.#camera.attach();
    this.#announcement = this.#strings.announceOpen;
    this.#turnstile.prepare();
    // A job this tab submitted for this product (before a reload, on another page, or before closing).
    const pending = this.#job.pending();
    if (pending) this.#consented = true;
    const refused = !pending && refusal && shownError(refusal, this.#strings);
    this.#dispatch({ type: 'open', consented: this.#consented, ...(refused && { error: refused }) });
    if (refused) this.host.emit('try-on-error', { code: refused.code, message: refused.message });
    if (pending) {
      // Straight to its progress (or result, if it is done).
      void this.#memory.load(this.#productKey);
      this.#dispatch({ type: 'submit' });
      this.#announcement = this.#strings.announceResumed;
      void this.#job.run(pending);
    }
    await this.host.updateComplete;
    this.host.emit('try-on-open', {});
  }

  /** Closes the panel, abandoning work in flight. */
  close(options: { restoreFocus?: boolean; silent?: boolean } = {}): void {
    if (this.#state.status === 'idle') return;
    this.#job.abort(new DOMException('The try-on panel was closed.', 'AbortError'));
    this.#camera.detach();
    this.#photo.detach();
    this.#position.detach();
    this.#dispatch({ type: 'close' });
    this.#focus.detach(options.restoreFocus !== false);
    if (!options.silent) this.host.emit('try-on-close', {});
  }

  hostDisconnected(): void {
    this.close({ restoreFocus: false, silent: true });
  }

  // ---- what the shopper does ---------------------------------------------------------------

  // Esc is the focus controller's (the zoom's first): the dialog's own close on Esc would skip both.
  #onCancel = (event: Event): void => event.preventDefault();

  // Closed by the browser all the same (a close request it would not let be cancelled): follow it.
  // Not for a dialog already replaced by a newer opening.
  #onClosed = (event: Event): void => {
    if (event.target === this.#panelElement) this.close();
  };

  #onConsent = (event: Event): void => {
    const given = (event.target as HTMLInputElement).checked;
    this.#consented = given;
    this.#dispatch({ type: 'consent', given });
    // Only now may the device's memory be read (IndexedDB is not even opened before).
    if (given) void this.#memory.load(this.#productKey);
    this.host.requestUpdate();
    this.host.emit('try-on-consent', { given, version: this.host.consentVersion });
  };

  /** The picker, or with `camera` the live camera (else the phone's own camera through the capture input). */
  #openPicker(camera: boolean): void {
    if (!this.#consented) return;
    if (camera && this.#camera.usable) {
      this.#photo.dismissGuidance();
      void this.#camera.start();
      return;
    }
    this.host.renderRoot.querySelector<HTMLInputElement>(camera ? '.camera-input' : '[part="file-input"]')?.click();
  }

  #onFile = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    // Reset so choosing the same file again still fires `change`.
    input.value = '';
    if (file && this.#consented) this.#choose(file, 'picker');
  };

  #choose(file: File, source: PhotoSource): void {
    this.#camera.stop();
    this.#photo.choose(file, source);
    this.#job.forgetAttempt();
    this.#dispatch({ type: 'pick-another' });
    this.#focus.request();
    this.host.emit('try-on-photo', { type: file.type, size: file.size });
  }

  #submit = (): void => {
    if (this.#photo.file && this.#consented && !this.#turnstile.checking) void this.#start('submit');
  };

  #retry = (): void => {
    if (this.#photo.file && !this.#turnstile.checking) void this.#start('retry');
  };

  /** Starts the job, once Turnstile (when on) has a token: most shoppers never wait here. */
  async #start(action: 'submit' | 'retry'): Promise<void> {
    if (this.host.turnstileSitekey) {
      const from = this.#state.status;
      const signal = this.#job.renew();
      this.#announcement = this.#strings.checkingBrowser;
      try {
        await this.#turnstile.ready(signal);
      } catch (error) {
        // Nothing was sent: from capture (or the error shown) straight to the error.
        if (!signal.aborted) this.#fail(error);
        return;
      }
      // The shopper moved on meanwhile (unticked consent, closed the panel).
      if (this.#state.status !== from || signal.aborted) return;
    }
    this.#dispatch({ type: action });
    void this.#job.run();
  }

  #cancel = (): void => {
    this.#job.cancel();
    this.#dispatch({ type: 'cancel' });
  };

  #pickAnother = (): void => {
    this.#dispatch({ type: 'pick-another' });
    this.#openPicker(false);
  };

  #forget = async (): Promise<void> => {
    await this.#memory.forget(endpointBase(this.host.endpoint));
    if (!this.#memory.photo) this.#photo.forgetSaved();
    this.#announcement = this.#memory.takeNotice();
    this.host.requestUpdate();
  };

  /** A failure becomes the error state, in the shopper's words. Aborts are not failures. */
  #fail(failure: unknown): void {
    if (isAbortError(failure)) return;
    const error = shownError(failure, this.#strings);
    // The error part is role="alert" (assertive); repeating it in the polite region would say it twice.
    this.#announcement = '';
    this.#dispatch({ type: 'fail', error });
    this.host.emit('try-on-error', { code: error.code, message: error.message });
  }

  // ---- rendering: a function of the state ------------------------------------------------

  render(): TemplateResult | typeof nothing {
    if (this.#state.status === 'idle') return nothing;
    const s = this.#strings;
    const sheet = this.#position.sheet;
    const photo = this.#photo;
    const consented = this.#consented;
    const host = this.host;
    const picture = photo.previewUrl || host.garment;
    return html`<dialog
      id="panel"
      part="panel"
      class="panel ${sheet ? 'sheet' : 'centred'}"
      role="dialog"
      lang=${this.#language.lang ?? nothing}
      aria-modal="true"
      aria-labelledby="title"
      tabindex="-1"
      data-status=${this.#state.status}
      @keydown=${this.#focus.onPanelKeydown}
      @cancel=${this.#onCancel}
      @close=${this.#onClosed}
      @dragenter=${photo.onDragEnter}
      @dragover=${photo.onDragOver}
      @dragleave=${photo.onDragLeave}
      @drop=${photo.onDrop}
    >
      ${
        // The picture pane of the centred dialog: the shopper's photo once chosen (also beside an
        // error), else the garment; a view's own figure covers it.
        sheet ? nothing : html`<div class="pane" aria-hidden="true">${picture ? html`<img src=${picture} alt="" />` : nothing}</div>`
      }
      <header class="head">
        <h2 id="title">${s.title}</h2>
        <button part="close" class="icon-button" type="button" aria-label=${s.close} @click=${() => this.close()}>${icons.close}</button>
      </header>
      <div class="body">
        ${
          // The dialog covers the page's buy box: what is tried on is restated above the steps.
          !sheet && (host.productName || host.size)
            ? html`<p part="product" class="product"><b>${host.productName}</b> <span>${host.size ? s.sizeLabel(host.size) : ''}</span></p>`
            : nothing
        }
        ${this.#renderBody(s)}
      </div>
      ${this.host.turnstileSitekey ? html`<slot name="turnstile"></slot>` : nothing}
      <input
        part="file-input"
        class="visually-hidden"
        type="file"
        accept="image/*"
        tabindex="-1"
        aria-hidden="true"
        ?disabled=${!consented}
        @change=${this.#onFile}
      />
      <input
        class="camera-input visually-hidden"
        type="file"
        accept="image/*"
        capture="user"
        tabindex="-1"
        aria-hidden="true"
        ?disabled=${!consented}
        @change=${this.#onFile}
      />
      ${renderDropTarget(s, photo.dragging)}
      <div class="visually-hidden" role="status" aria-live="polite">${this.#announcement}</div>
    </dialog>`;
  }

  #renderBody(s: TryOnStrings): TemplateResult {
    const state = this.#state;
    const photo = this.#photo;
    switch (state.status) {
      case 'processing':
        return renderProgress({
          strings: s,
          progress: this.#job.progress,
          stageText: this.#job.stageText,
          previewUrl: photo.previewUrl,
          garment: resolveGarment(this.host.garment, document.baseURI),
          onCancel: this.#cancel,
        });
      case 'complete':
        return this.#result.render(s, {
          image: state.images[0] ?? '',
          before: photo.processed?.blob,
          onTryAnother: this.#pickAnother,
          // Another variant: the same photo (its handle at the endpoint), consent already given.
          onVariant: this.#submit,
        });
      case 'error':
        return renderError(s, {
          error: state.error,
          canRetry: state.error.retryable && !!photo.file,
          checking: this.#turnstile.checking,
          onRetry: this.#retry,
          onPickAnother: this.#pickAnother,
          onClose: () => this.close(),
        });
      default:
        return this.#renderCapture(s);
    }
  }

  #renderCapture(s: TryOnStrings): TemplateResult {
    const host = this.host;
    const photo = this.#photo;
    const consented = this.#consented;
    const memory = this.#memory.view();
    const lang = host.closest('[lang]')?.getAttribute('lang') || undefined;
    return renderCapture(s, {
      consented,
      merchant: host.merchant,
      policyUrl: host.policyUrl,
      retention: host.retention,
      category: host.category,
      camera: this.#camera,
      photo,
      checking: this.#turnstile.checking,
      memory: consented
        ? html`${photo.previewUrl || memory.photo ? renderMemoryControls(s, memory, this.#memory, this.#forget, photo.fromMemory) : nothing}
          ${renderHistory(s, memory, this.#memory, lang)}`
        : nothing,
      onConsent: this.#onConsent,
      onChoose: () => this.#openPicker(false),
      onTakePhoto: () => this.#openPicker(true),
      onChangePhoto: () => this.#openPicker(photo.retaking),
      onSubmit: this.#submit,
    });
  }
}
