/**
 * The shopper's on-device memory, as the panel shows and changes it: "Remember my photo" (off
 * until ticked), the saved photo, this product's earlier results, and "Delete my photo", which
 * also asks the endpoint to drop its copy. Nothing is read before the shopper consents: the
 * panel calls load() only then.
 */
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
import type { TryOnHost } from '../host.ts';
import { dropAllPending } from '../pending.ts';
import type { TryOnStrings } from '../strings.ts';

/** What the memory view shows. */
export interface MemoryView {
  /** A photo is saved on this device. */
  photo: boolean;
  /** This product's earlier results, newest first. */
  history: readonly HistoryEntry[];
  /** "Remember my photo" is ticked. */
  remember: boolean;
  /** A delete is under way. */
  busy: boolean;
  /** The outcome of the last delete, shown until memory is used again. */
  notice: string;
}

/** What the shopper keeps on this device, as the panel shows and changes it. */
export class PhotoMemory {
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
    const saved: RememberedPhoto = {
      blob: photo.blob,
      width: photo.width,
      height: photo.height,
      savedAt: Date.now(),
      ...(photoRef && { photoRef }),
    };
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

  /** The "Remember my photo" box changed. */
  onRemember = (event: Event): void => {
    this.#shownNotice = '';
    this.#remember = (event.target as HTMLInputElement).checked;
    this.#host.requestUpdate();
  };

  /** Deletes one earlier result (the shopper's button, or its image no longer loads). */
  onRemove = async (image: string): Promise<void> => {
    this.#history = this.#history.filter((e) => e.image !== image);
    this.#host.requestUpdate();
    try {
      this.#history = await removeHistory(this.#product, image);
    } catch (error) {
      console.warn('[try-on-button] could not delete the result:', error);
    }
    this.#host.requestUpdate();
  };

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

  /** What the memory view shows. */
  view(): MemoryView {
    return { photo: !!this.#photo, history: this.#history, remember: this.#remember, busy: this.#busy, notice: this.#shownNotice };
  }
}
