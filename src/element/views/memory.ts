/**
 * Consent details and the shopper's on-device memory inside the panel: "Remember my photo",
 * the saved photo, "Delete my photo", and the strip of earlier results for this product.
 * State and rendering live here; the panel calls in at a few points of its flow.
 */
import { html, nothing, type TemplateResult } from 'lit/html.js';
import {
  addHistory,
  forgetEverything,
  loadHistory,
  loadRememberedPhoto,
  rememberPhoto,
  removeHistory,
  updateRememberedRef,
  type HistoryEntry,
  type RememberedPhoto,
} from '../../client/memory.ts';
import { deleteRemotePhoto } from '../../client/photo-ref.ts';
import { dropAllPending } from '../pending.ts';
import type { TryOnStrings } from '../strings.ts';
import type { TryOnHost } from '../host.ts';

const trash = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 7h14M10 7V5h4v2M7 7l1 12h8l1-12" /></svg>`;

/** What the shopper keeps on this device, as the panel shows and changes it. */
export class PanelMemory {
  readonly #host: TryOnHost;
  readonly #strings: () => TryOnStrings;
  readonly #onPhoto: (photo: RememberedPhoto) => void;
  #loaded: Promise<void> | undefined;
  #photo: RememberedPhoto | undefined;
  #history: HistoryEntry[] = [];
  #product = '';
  /** The shopper ticked "Remember my photo" (or had a photo saved already). */
  #remember = false;
  #busy = false;
  #notice = '';
  /** The outcome of the last delete, shown until the panel closes or memory is used again. */
  #shownNotice = '';

  /**
   * @param onPhoto - called once when a remembered photo is found, so the panel can offer it.
   */
  constructor(host: TryOnHost, strings: () => TryOnStrings, onPhoto: (photo: RememberedPhoto) => void) {
    this.#host = host;
    this.#strings = strings;
    this.#onPhoto = onPhoto;
  }

  /** Whether a photo is saved on this device (after load). */
  get photo(): RememberedPhoto | undefined {
    return this.#photo;
  }

  /** Whether the next processed photo and result are to be kept on this device. */
  get remembering(): boolean {
    return this.#remember;
  }

  /** Short status text for the panel's live region after a memory action, then cleared. */
  takeNotice(): string {
    const notice = this.#notice;
    this.#notice = '';
    return notice;
  }

  /**
   * Reads the saved photo and this product's history. Called only once the shopper consented:
   * before that, IndexedDB is not even opened. Failures (private mode, storage blocked) leave
   * the memory empty; the try-on works without it.
   */
  load(product: string): Promise<void> {
    if (this.#loaded && this.#product === product) return this.#loaded;
    this.#product = product;
    this.#loaded = (async () => {
      try {
        const [photo, history] = await Promise.all([loadRememberedPhoto(), loadHistory(product)]);
        this.#photo = photo;
        this.#history = history;
        this.#remember ||= !!photo;
        if (photo) this.#onPhoto(photo);
      } catch (error) {
        console.warn('[try-on-button] on-device memory unavailable:', error);
      }
      this.#host.requestUpdate();
    })();
    return this.#loaded;
  }

  /** After a submit: keeps the processed photo and its handle, when the shopper opted in. */
  async savePhoto(photo: { blob: Blob; width: number; height: number }, photoRef: string | undefined): Promise<void> {
    this.#shownNotice = '';
    if (!this.#remember) return;
    const saved: RememberedPhoto = { blob: photo.blob, width: photo.width, height: photo.height, savedAt: Date.now(), ...(photoRef && { photoRef }) };
    try {
      if (this.#photo?.blob === photo.blob && photoRef) await updateRememberedRef(photoRef);
      else await rememberPhoto(saved);
      this.#photo = this.#photo?.blob === photo.blob ? { ...this.#photo, ...(photoRef && { photoRef }) } : saved;
    } catch (error) {
      console.warn('[try-on-button] could not remember the photo:', error);
    }
  }

  /** After a result was shown: adds it to this product's history, when the shopper opted in. */
  async addResult(image: string): Promise<void> {
    if (!this.#remember) return;
    try {
      this.#history = await addHistory(this.#product, { image, date: Date.now() });
      this.#host.requestUpdate();
    } catch (error) {
      console.warn('[try-on-button] could not keep the result:', error);
    }
  }

  #onRemember = (event: Event): void => {
    this.#shownNotice = '';
    this.#remember = (event.target as HTMLInputElement).checked;
    this.#host.requestUpdate();
  };

  async #removeEntry(image: string): Promise<void> {
    this.#history = this.#history.filter((e) => e.image !== image);
    this.#host.requestUpdate();
    try {
      this.#history = await removeHistory(this.#product, image);
    } catch (error) {
      console.warn('[try-on-button] could not delete the result:', error);
    }
    this.#host.requestUpdate();
  }

  /**
   * "Delete my photo": the photo, every product's history and any pending job of this tab go at
   * once; then the endpoint is asked to drop its copy (404: already gone). The outcome is left
   * for takeNotice().
   */
  async forget(endpoint: string | undefined): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#host.requestUpdate();
    const s = this.#strings();
    const ref = this.#photo?.photoRef;
    let notice = s.forgotten;
    try {
      await forgetEverything();
      dropAllPending();
      this.#photo = undefined;
      this.#history = [];
      this.#remember = false;
      if (ref && endpoint) {
        try {
          await deleteRemotePhoto(endpoint, ref);
        } catch (error) {
          console.warn('[try-on-button] the endpoint could not delete the photo:', error);
          notice = s.forgottenLocally;
        }
      }
    } catch (error) {
      console.warn('[try-on-button] could not delete the saved photo:', error);
      notice = s.forgetFailed;
    } finally {
      this.#busy = false;
    }
    this.#notice = notice;
    this.#shownNotice = notice;
    this.#host.requestUpdate();
  }

  // ---- rendering -------------------------------------------------------------------------

  /** The "Remember my photo" box, or, with a photo saved, where it is kept and how to delete it. */
  renderControls(s: TryOnStrings, onForget: () => void, showingSaved = false): TemplateResult | typeof nothing {
    if (this.#photo || this.#history.length) {
      // While the saved photo is on screen its caption already says where it is kept.
      return html`<div class="memory">
        ${showingSaved ? nothing : html`<p class="note">${this.#photo ? s.savedOnDevice : s.historyOnDevice}</p>`}
        <button part="forget" class="link-button" type="button" ?disabled=${this.#busy} @click=${onForget}>
          ${trash}<span>${this.#photo ? s.forgetPhoto : s.forgetHistory}</span>
        </button>
      </div>`;
    }
    return html`<label class="remember">
      <input part="remember-checkbox" type="checkbox" .checked=${this.#remember} @change=${this.#onRemember} />
      <span>${s.rememberLabel}</span>
    </label>`;
  }

  /** This product's earlier results: each opens full size, each can be deleted. */
  renderHistory(s: TryOnStrings): TemplateResult | typeof nothing {
    // Announced through the panel's live region; shown here so it can be read again.
    if (!this.#history.length) return this.#shownNotice ? html`<p class="note memory-notice">${this.#shownNotice}</p>` : nothing;
    const lang = this.#host.closest('[lang]')?.getAttribute('lang') || undefined;
    const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    return html`<section part="history" class="history" aria-labelledby="history-title">
      <h3 id="history-title">${s.historyTitle}</h3>
      <ul>
        ${this.#history.map((entry) => {
          const date = format.format(entry.date);
          return html`<li part="history-item">
            <a href=${entry.image} target="_blank" rel="noopener" aria-label=${s.historyOpen(date)}>
              <img src=${entry.image} alt="" loading="lazy" @error=${() => void this.#removeEntry(entry.image)} />
            </a>
            <button part="history-delete" class="remove" type="button" aria-label=${s.historyDelete(date)} @click=${() => void this.#removeEntry(entry.image)}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 7l10 10M17 7L7 17" /></svg>
            </button>
          </li>`;
        })}
      </ul>
    </section>`;
  }
}
