/**
 * The result view and its tools: the before/after slider, zoom, download, share, try another
 * photo, another of the merchant's variants in one tap, and add to cart (naming the variant, and
 * confirming once the page has added it). A controller of the element, so it can show the zoom
 * popover after a render and tidy up when the element leaves the page. The zoom's code is a chunk
 * of its own, fetched when the shopper reaches for its button (press or focus), not with the result.
 */
import type { ReactiveController } from 'lit';
import { html, nothing, type TemplateResult } from 'lit/html.js';
import { resolveGarment } from '../client/endpoint.ts';
import type { TryOnVariant } from './events.ts';
import { downloadName, shareResult, type ShareNavigator } from './share.ts';
import type { TryOnStrings } from './strings.ts';
import type { TryOnHost } from './host.ts';
import { tick } from './views/progress.ts';
import type { ZoomView } from './zoom.ts';

const icons = {
  zoom: html`<svg viewBox="0 0 24 24" aria-hidden="true">
    <circle cx="10.5" cy="10.5" r="6" />
    <path d="M15 15l5 5M10.5 8v5M8 10.5h5" />
  </svg>`,
  download: html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 4v11M7.5 10.5L12 15l4.5-4.5M5 19h14" /></svg>`,
  share: html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 15V4M8 7.5L12 3.5l4 4M7 11H5.5v8.5h13V11H17" /></svg>`,
  cart: html`<svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M3.5 4.5h2l2.2 10.2a1.5 1.5 0 0 0 1.5 1.2h7.6a1.5 1.5 0 0 0 1.5-1.1L20 8H6.6" />
    <circle cx="9.5" cy="19.5" r="1.2" />
    <circle cx="17" cy="19.5" r="1.2" />
  </svg>`,
  handle: html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9.5 7.5L5 12l4.5 4.5M14.5 7.5L19 12l-4.5 4.5" /></svg>`,
};

const TOAST_MS = 3500;

export interface ResultViewInput {
  /** Absolute URL of the result image. */
  image: string;
  /** The processed photo that was sent, for the "before" side; none hides the slider. */
  before: Blob | undefined;
  onTryAnother: () => void;
  /** The shopper chose another variant (the host's garment is now its): try it on with the same photo. */
  onVariant: () => void;
}

/** The `variants` property as a list (an array, or the attribute's JSON text), less malformed entries. */
function variantList(value: TryOnHost['variants']): TryOnVariant[] {
  let list: unknown = value;
  if (typeof value == 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      console.warn('[try-on-button] the variants attribute is not JSON.');
    }
  }
  return Array.isArray(list) ? list.filter((v: TryOnVariant) => v?.id && v.label && v.garment) : [];
}

export class ResultTools implements ReactiveController {
  readonly host: TryOnHost;
  #zoom: ZoomView | undefined;
  #zoomLoad: Promise<ZoomView | void> | undefined;
  #image: string | undefined;
  #before: Blob | undefined;
  #beforeUrl: string | undefined;
  /** Percent of the width showing the shopper's photo; half and half first, so both are seen. */
  #split = 50;
  /** The shopper has moved the slider once: the "drag to compare" hint has done its job. */
  #slid = false;
  /** Width / height of the loaded result, so the compare frame can hug the shown picture. */
  #ratio: number | undefined;
  #blob: Promise<Blob | undefined> | undefined;
  #type = '';
  #toast = '';
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  #strings: TryOnStrings | undefined;
  readonly #announce: (text: string) => void;
  /** The `variants` value last parsed, and its list (parsed once per value, warned about once). */
  #variantsOf: TryOnHost['variants'];
  #variants: TryOnVariant[] = [];
  /** Add to cart: `adding` while the page's waitUntil promise runs, then `added`, for #cartFor. */
  #cart: '' | 'adding' | 'added' = '';
  /** The result and variant the cart state is about: another of either starts over. */
  #cartFor = '';

  constructor(host: TryOnHost, announce: (text: string) => void) {
    this.host = host;
    this.#announce = announce;
    host.addController(this);
  }

  hostUpdated(): void {
    const zoom = this.#zoom;
    // The result left the screen (closed, another photo) while zoomed: drop the zoom with it.
    if (zoom?.isOpen && !this.host.renderRoot.querySelector('[part="result-image"]')) zoom.close({ restoreFocus: false });
    zoom?.afterRender();
  }

  hostDisconnected(): void {
    this.#zoom?.close({ restoreFocus: false });
    clearTimeout(this.#toastTimer);
  }

  #sync(image: string, before: Blob | undefined): void {
    if (image !== this.#image) {
      this.#image = image;
      this.#split = 50;
      this.#ratio = undefined;
      this.#type = '';
      this.#toast = '';
      // Fetched once, now, so share still has the shopper's tap (user activation) when it runs.
      this.#blob = fetchBlob(image).then((blob) => {
        if (blob && this.#image === image) {
          this.#type = blob.type;
          this.host.requestUpdate();
        }
        return blob;
      });
    }
    if (before !== this.#before) {
      if (this.#beforeUrl) URL.revokeObjectURL(this.#beforeUrl);
      this.#before = before;
      this.#beforeUrl = before ? URL.createObjectURL(before) : undefined;
    }
  }

  get #filename(): string {
    return downloadName(this.host.product, this.#type, this.#image ?? '');
  }

  #showToast(text: string): void {
    this.#toast = text;
    clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => {
      this.#toast = '';
      this.host.requestUpdate();
    }, TOAST_MS);
    this.host.requestUpdate();
  }

  #onSlide = (event: Event): void => {
    this.#split = Number((event.target as HTMLInputElement).value);
    this.#slid = true;
    this.host.requestUpdate();
  };

  #onImageLoad = (event: Event): void => {
    const img = event.target as HTMLImageElement;
    if (!img.naturalWidth || !img.naturalHeight) return;
    const ratio = img.naturalWidth / img.naturalHeight;
    if (ratio === this.#ratio) return;
    this.#ratio = ratio;
    this.host.requestUpdate();
  };

  /**
   * Fetches the zoom's chunk once (again after a failed fetch, which resolves to nothing). Called
   * on the button's pointerdown and focus too, so the chunk is usually in by the click.
   */
  #loadZoom = (): Promise<ZoomView | void> =>
    (this.#zoomLoad ??= import('./zoom.ts').then(
      ({ ZoomView }) => (this.#zoom = new ZoomView(this.host, () => this.host.renderRoot)),
      () => {
        this.#zoomLoad = undefined;
        console.warn('[try-on-button] the zoom could not be loaded.');
      },
    ));

  #openZoom = (event: Event): void => {
    const button = event.currentTarget as HTMLElement;
    // The result may have left the screen while the chunk came.
    void this.#loadZoom().then((zoom) => zoom && button.isConnected && zoom.open(button));
  };

  /**
   * Always through a blob: URL, since `<a download>` is ignored for cross-origin images (a
   * provider's CDN) and the browser would navigate to the picture instead of saving it.
   */
  #download = async (event: MouseEvent): Promise<void> => {
    event.preventDefault();
    const image = this.#image;
    if (!image) return;
    const blob = await this.#blob;
    if (!blob) {
      // No CORS on the image's host: let the browser open it, where "save image" works.
      window.open(image, '_blank', 'noopener');
      this.#showToast(this.#strings?.downloadFailed ?? '');
      return;
    }
    const filename = this.#filename;
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = filename;
    anchor.rel = 'noopener';
    anchor.hidden = true;
    // Firefox saves only from an anchor that is in the document.
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    this.host.emit('try-on-download', { image, filename });
  };

  #share = async (): Promise<void> => {
    const image = this.#image;
    const s = this.#strings;
    if (!image || !s) return;
    const blob = await this.#blob;
    const file = blob ? new File([blob], this.#filename, { type: blob.type }) : undefined;
    const outcome = await shareResult(navigator as ShareNavigator, { url: image, file, title: s.shareTitle, text: s.shareText });
    if ('method' in outcome) {
      if (outcome.method === 'clipboard') this.#showToast(s.linkCopied);
      this.host.emit('try-on-share', { method: outcome.method, image });
    } else if ('failed' in outcome) {
      this.#showToast(s.shareFailed);
    }
  };

  /** The variant shown: the one `variant-id` names. */
  get #current(): TryOnVariant | undefined {
    const { host } = this;
    if (host.variants !== this.#variantsOf) this.#variants = variantList((this.#variantsOf = host.variants));
    return this.#variants.find((v) => v.id == host.variantId);
  }

  #chooseVariant(variant: TryOnVariant, onVariant: () => void): void {
    const { host } = this;
    // The element's selection is now this variant's, as if the page had set it.
    host.variantId = variant.id;
    host.variant = variant.label;
    host.garment = variant.garment;
    host.emit('try-on-variant', { id: variant.id, label: variant.label, garment: resolveGarment(variant.garment, document.baseURI)! });
    onVariant();
  }

  #addToCart = (): void => {
    const { host } = this;
    const image = this.#image;
    if (!image || this.#cart == 'adding') return;
    const current = this.#current;
    const key = this.#cartFor;
    const waits: Promise<unknown>[] = [];
    let handling = true;
    host.emit('try-on-add-to-cart', {
      product: host.product || undefined,
      size: host.size || undefined,
      garment: resolveGarment(host.garment, document.baseURI),
      image,
      variant: host.variant || current?.label,
      variantId: host.variantId || current?.id,
      waitUntil: (promise) => {
        // As ExtendableEvent's: a promise handed over later could not hold the confirmation back.
        if (!handling) throw new DOMException('waitUntil() after try-on-add-to-cart was handled', 'InvalidStateError');
        waits.push(promise);
      },
    });
    handling = false;
    this.#cart = 'adding';
    host.requestUpdate();
    const settle = (added: boolean) => {
      // The shopper moved on to another result or variant meanwhile: this answer is not about it.
      if (this.#cartFor != key) return;
      const s = this.#strings!;
      this.#cart = added ? 'added' : '';
      if (added) this.#announce(s.addedToCart);
      else this.#showToast(s.addToCartFailed);
      host.requestUpdate();
    };
    // With no promise to wait for, the page's handler is done: added, within this task.
    Promise.all(waits).then(
      () => settle(true),
      () => settle(false),
    );
  };

  render(s: TryOnStrings, { image, before, onTryAnother, onVariant }: ResultViewInput): TemplateResult {
    this.#strings = s;
    this.#sync(image, before);
    const split = this.#split;
    const beforeUrl = this.#beforeUrl;
    const current = this.#current;
    const label = this.host.variant || current?.label;
    const cartFor = image + label;
    if (cartFor != this.#cartFor) {
      this.#cartFor = cartFor;
      this.#cart = '';
    }
    const cart = this.#cart;
    return html`
      <figure class="result">
        <div part="compare" class="compare-frame" style=${this.#ratio ? `--_ratio: ${this.#ratio.toFixed(5)}` : ''}>
          <img part="result-image" src=${image} alt=${s.resultAlt} @load=${this.#onImageLoad} />
          ${
            beforeUrl
              ? html`<img part="before-image" class="before" src=${beforeUrl} alt="" style="clip-path: inset(0 ${100 - split}% 0 0)" />
                  <span class="tag tag-before" aria-hidden="true" ?hidden=${split < 20}>${s.compareBefore}</span>
                  <span class="tag tag-after" aria-hidden="true" ?hidden=${split > 80}>${s.compareAfter}</span>
                  <div class="divider" aria-hidden="true" style="left: ${split}%"></div>
                  <span class="knob" aria-hidden="true" style="left: clamp(22px, ${split}%, calc(100% - 22px))">${icons.handle}</span>
                  <input
                    part="compare-slider"
                    class="compare-slider"
                    type="range"
                    min="0"
                    max="100"
                    step="1"
                    .value=${String(split)}
                    aria-label=${s.compareLabel}
                    aria-valuetext=${s.compareValue(split)}
                    aria-describedby="compare-hint"
                    data-autofocus
                    @input=${this.#onSlide}
                  />
                  <span id="compare-hint" class=${this.#slid ? 'visually-hidden' : 'tag compare-hint'} aria-hidden="true"
                    >${s.compareHint}</span
                  >`
              : nothing
          }
          <div class="image-tools">
            <button
              part="zoom-button"
              class="tool zoom-button"
              type="button"
              aria-label=${s.zoomOpen}
              title=${s.zoomOpen}
              @pointerdown=${this.#loadZoom}
              @focus=${this.#loadZoom}
              @click=${this.#openZoom}
            >
              ${icons.zoom}
            </button>
            <a
              part="download"
              class="tool"
              href=${image}
              download=${this.#filename}
              aria-label=${s.download}
              title=${s.download}
              @click=${this.#download}
              >${icons.download}</a
            >
            <button part="share" class="tool" type="button" aria-label=${s.share} title=${s.share} @click=${this.#share}>
              ${icons.share}
            </button>
          </div>
        </div>
      </figure>
      ${
        this.#variants.length > 1
          ? html`<div part="variants" role="group" aria-labelledby="variants-title">
              <p id="variants-title" class="note">${s.variantsTitle}</p>
              ${this.#variants.map(
                (v) =>
                  html`<button
                    part="variant"
                    class="button secondary variant"
                    type="button"
                    aria-pressed=${v == current}
                    @click=${() => v != current && this.#chooseVariant(v, onVariant)}
                  >
                    ${v.swatch ? html`<i style="background:${v.swatch}"></i>` : html`<img src=${v.garment} alt="" />`}${v.label}
                  </button>`,
              )}
            </div>`
          : nothing
      }
      <p class="note">${s.resultNote}</p>
      <div part="toast" class="toast" role="status" ?data-shown=${!!this.#toast}>${this.#toast}</div>
      <div class="actions result-actions">
        <button part="pick-another" class="button secondary" type="button" @click=${onTryAnother}>${s.tryAnother}</button>
        <button
          part="add-to-cart"
          class="button primary"
          type="button"
          data-state=${cart || nothing}
          aria-disabled=${cart == 'adding' || nothing}
          ?data-autofocus=${!beforeUrl}
          @click=${this.#addToCart}
        >
          ${cart == 'added' ? tick : icons.cart}<span
            >${cart == 'added' ? s.addedToCart : label ? s.addVariantToCart(label) : s.addToCart}</span
          >
        </button>
      </div>
      ${this.#zoom?.render(s, image) ?? nothing}
    `;
  }
}

/** The image as a blob, or undefined when it cannot be read (a host without CORS, offline). */
async function fetchBlob(url: string): Promise<Blob | undefined> {
  try {
    const response = await fetch(url, { credentials: 'same-origin' });
    return response.ok ? await response.blob() : undefined;
  } catch {
    return undefined;
  }
}
