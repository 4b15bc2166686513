/**
 * The shopper's chosen photo: where it came from (picker, camera, drop, paste, or the copy saved
 * on this device), its preview, and its preparation in the worker, started as soon as it is
 * chosen so the on-device checks show before any credit is spent and the submit reuses the run.
 * Also the ways in besides the picker (a drop onto the panel, a paste) and the one-time photo
 * guidance.
 */
import type { ReactiveController } from 'lit';
import type { RememberedPhoto } from '../../client/memory.ts';
import { isAbortError } from '../../client/errors.ts';
import { processPhoto, type PhotoCheck, type ProcessedPhoto } from '../../worker/index.ts';
import type { TryOnHost } from '../host.ts';
import { dragHasFiles, guidanceSeen, imageFromTransfer, markGuidanceSeen } from '../photo-sources.ts';
import type { TryOnStrings } from '../strings.ts';

export type PhotoSource = 'picker' | 'camera' | 'drop' | 'paste';

/** Whether a category needs a standing figure, which a landscape photo rarely holds. */
export function expectsPortrait(category: string): boolean {
  return category !== 'accessory';
}

export interface PhotoOptions {
  strings: () => TryOnStrings;
  /** Says something in the panel's polite live region. */
  announce: (text: string) => void;
  /** The worker could not read the chosen photo (HEIC on Chromium, not an image at all). */
  onRefused: (error: unknown) => void;
  /** A photo was dropped on the panel or pasted: the panel takes it, or says why not. */
  onTransfer: (file: File, source: 'drop' | 'paste') => void;
  /** Whether a paste may be a photo for the panel now (not while it is closed or working). */
  pasteWanted: () => boolean;
}

export class PhotoController implements ReactiveController {
  readonly #host: TryOnHost;
  readonly #options: PhotoOptions;
  #file: File | undefined;
  #source: PhotoSource = 'picker';
  #previewUrl: string | undefined;
  #processed: ProcessedPhoto | undefined;
  /** The run in the worker for the chosen file. */
  #prepared: { file: File; promise: Promise<ProcessedPhoto>; work: AbortController } | undefined;
  #checks: readonly PhotoCheck[] = [];
  #fromMemory = false;
  #showGuidance = false;
  #dragDepth = 0;
  /** The endpoint's handle of the processed photo, sent instead of the photo while it is valid. */
  ref: string | undefined;

  constructor(host: TryOnHost, options: PhotoOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get file(): File | undefined {
    return this.#file;
  }

  get previewUrl(): string | undefined {
    return this.#previewUrl;
  }

  /** The photo as the worker prepared it (upright, downscaled, re-encoded), once it has. */
  get processed(): ProcessedPhoto | undefined {
    return this.#processed;
  }

  /** Fix-it hints from the on-device checks. */
  get checks(): readonly PhotoCheck[] {
    return this.#checks;
  }

  /** The photo is the one saved on this device. */
  get fromMemory(): boolean {
    return this.#fromMemory;
  }

  /** A camera photo is replaced by another from the camera (retake); any other by the picker. */
  get retaking(): boolean {
    return this.#source === 'camera' && !this.#fromMemory;
  }

  get showGuidance(): boolean {
    return this.#showGuidance;
  }

  /** A photo is being dragged over the panel. */
  get dragging(): boolean {
    return this.#dragDepth > 0;
  }

  /** The panel opened: guidance unless this device has seen it; a paste may bring a photo. */
  attach(): void {
    this.#showGuidance = !guidanceSeen();
    document.addEventListener('paste', this.#onPaste);
  }

  /** The panel closed: the worker's run for the photo is abandoned. */
  detach(): void {
    document.removeEventListener('paste', this.#onPaste);
    this.#prepared?.work.abort(new DOMException('The try-on panel was closed.', 'AbortError'));
    this.#dragDepth = 0;
  }

  hostDisconnected(): void {
    this.detach();
  }

  /** Takes a photo the shopper chose and starts preparing it. */
  choose(file: File, source: PhotoSource): void {
    if (this.#previewUrl) URL.revokeObjectURL(this.#previewUrl);
    this.#file = file;
    this.#source = source;
    this.dismissGuidance();
    this.#precheck(file);
    this.#previewUrl = URL.createObjectURL(file);
    this.#processed = undefined;
    this.ref = undefined;
    this.#fromMemory = false;
    this.#host.requestUpdate();
  }

  /**
   * Offers the photo saved on this device, unless the shopper already chose one. It was checked
   * on the device when it was first taken: nothing to warn about again.
   */
  offer(photo: RememberedPhoto): boolean {
    if (this.#file) return false;
    this.#file = new File([photo.blob], 'saved-photo.jpg', { type: photo.blob.type || 'image/jpeg' });
    this.#previewUrl = URL.createObjectURL(photo.blob);
    this.#processed = {
      blob: photo.blob,
      width: photo.width,
      height: photo.height,
      bytes: photo.blob.size,
      type: 'image/jpeg',
      ms: 0,
      checks: [],
    } as ProcessedPhoto;
    this.ref = photo.photoRef;
    this.#fromMemory = true;
    this.#host.requestUpdate();
    return true;
  }

  /** The saved photo was deleted: if it is the one shown, the shopper has no photo any more. */
  forgetSaved(): void {
    if (!this.#fromMemory) return;
    if (this.#previewUrl) URL.revokeObjectURL(this.#previewUrl);
    this.#file = undefined;
    this.#previewUrl = undefined;
    this.#processed = undefined;
    this.ref = undefined;
    this.#fromMemory = false;
    this.#host.requestUpdate();
  }

  /** The prepared photo to send, reusing the check run when it is for the same file. */
  async prepared(signal: AbortSignal): Promise<ProcessedPhoto> {
    const file = this.#file;
    if (!file) throw new Error('No photo was chosen.');
    if (this.#processed) return this.#processed;
    const prepared = this.#prepared;
    let processed: ProcessedPhoto;
    if (!prepared || prepared.file !== file || prepared.work.signal.aborted) {
      processed = await processPhoto(file, { signal });
    } else {
      const aborted = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new DOMException('Photo processing was aborted.', 'AbortError')), { once: true }),
      );
      processed = await Promise.race([prepared.promise, aborted]);
    }
    if (this.#file === file) this.#processed = processed;
    return processed;
  }

  dismissGuidance = (): void => {
    if (!this.#showGuidance) return;
    this.#showGuidance = false;
    markGuidanceSeen();
    this.#host.requestUpdate();
  };

  /** Prepares the photo in the worker at once, so its checks show before any credit is spent. */
  #precheck(file: File): void {
    this.#prepared?.work.abort();
    const work = new AbortController();
    const promise = processPhoto(file, { signal: work.signal, checks: { expectPortrait: expectsPortrait(this.#host.category) } });
    this.#prepared = { file, promise, work };
    this.#checks = [];
    this.#options.announce(this.#options.strings().checkingPhoto);
    promise.then(
      (processed) => {
        if (work.signal.aborted || this.#file !== file) return;
        this.#processed = processed;
        this.#checks = processed.checks;
        const s = this.#options.strings();
        this.#options.announce(
          processed.checks.length ? [s.checksTitle, ...processed.checks.map((c) => s.checkHints[c.code])].join(' ') : '',
        );
        this.#host.requestUpdate();
      },
      (error: unknown) => {
        // A photo the browser cannot read is refused now, not after submit.
        if (!work.signal.aborted && this.#file === file && !isAbortError(error)) this.#options.onRefused(error);
      },
    );
  }

  #onPaste = (event: ClipboardEvent): void => {
    if (!this.#options.pasteWanted()) return;
    // Text pasted into a field of the page stays text.
    const file = imageFromTransfer(event.clipboardData);
    if (!file) return;
    event.preventDefault();
    this.#options.onTransfer(file, 'paste');
  };

  // The panel's drag and drop handlers.

  onDragEnter = (event: DragEvent): void => {
    if (!dragHasFiles(event)) return;
    event.preventDefault();
    this.#dragDepth++;
    if (this.#dragDepth === 1) this.#host.requestUpdate();
  };

  onDragOver = (event: DragEvent): void => {
    if (!dragHasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    if (this.#dragDepth === 0) {
      this.#dragDepth = 1;
      this.#host.requestUpdate();
    }
  };

  onDragLeave = (event: DragEvent): void => {
    if (!dragHasFiles(event) || this.#dragDepth === 0) return;
    this.#dragDepth--;
    if (this.#dragDepth === 0) this.#host.requestUpdate();
  };

  onDrop = (event: DragEvent): void => {
    event.preventDefault();
    this.#dragDepth = 0;
    this.#host.requestUpdate();
    const file = imageFromTransfer(event.dataTransfer);
    if (file) this.#options.onTransfer(file, 'drop');
  };
}
