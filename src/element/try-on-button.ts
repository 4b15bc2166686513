import { buttonStyles } from './button-styles.ts';
import { adoptCss } from './css.ts';
import type { TryOnEventDetails, TryOnEventMap, TryOnEventName, TryOnVariant } from './events.ts';
import type { TryOnHost } from './host.ts';
import { resolveLocale, TRIGGER_LABELS } from './language.ts';
import type { TryOnStatus } from './machine.ts';
import { PendingBadge } from './pending-badge.ts';
import { ReactiveHost } from './reactive-host.ts';
import type { TryOnStrings } from './strings.ts';
// Type-only: the panel's code (and Lit with it) arrives by dynamic import on first use.
import type { TryOnPanel } from './panel.ts';

type PanelModule = typeof import('./panel.ts');

let panelModule: Promise<PanelModule> | undefined;

/**
 * Loads the panel's code once (Lit, its template, styles, the client, the photo worker
 * wrapper). A failed load is forgotten so the next click tries again.
 */
function loadPanelModule(): Promise<PanelModule> {
  panelModule ??= import('./panel.ts').catch((error: unknown) => {
    panelModule = undefined;
    throw error;
  });
  return panelModule;
}

/** String properties set from attributes (Lit's `type: String`: attribute to property, not back). */
const ATTRIBUTE_PROPERTIES = {
  endpoint: 'endpoint',
  garment: 'garment',
  category: 'category',
  product: 'product',
  'product-name': 'productName',
  size: 'size',
  variant: 'variant',
  'variant-id': 'variantId',
  variants: 'variants',
  'consent-version': 'consentVersion',
  merchant: 'merchant',
  'policy-url': 'policyUrl',
  retention: 'retention',
  'turnstile-sitekey': 'turnstileSitekey',
  'turnstile-script': 'turnstileScript',
} as const;

const BUTTON = `<button part="button" type="button" aria-haspopup="dialog" aria-expanded="false"><slot><svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 6.5a2 2 0 1 1 2-2M12 6.5v1.3L3.6 13.4A1.6 1.6 0 0 0 4.5 16.3h15a1.6 1.6 0 0 0 .9-2.9L12 7.8" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/></svg><span></span></slot></button>`;

/**
 * A "Try it on" button for product pages. It opens a panel where the shopper gives consent,
 * picks a photo and sees themselves wearing the product, generated through the merchant's
 * try-on endpoint. The panel's code is loaded only when the button is first used.
 *
 * The element itself is plain DOM, without Lit, so a product page pays about 4 KB for it; the
 * panel's chunk brings Lit and renders into this element's shadow root after the button.
 * Like a Lit element it has `updateComplete` (resolves after pending rendering) and
 * `requestUpdate()`, and accepts Lit reactive controllers (`addController`): see ReactiveHost.
 *
 * Register the tag by importing `try-on-button/define` (src/element/define.ts).
 *
 * @attr endpoint - Base URL of the merchant's try-on endpoint, absolute or relative to the page (e.g. `/api/try-on`).
 * @attr garment - URL of the garment image; relative URLs are resolved against the page. The endpoint must allow its host.
 * @attr category - Garment category: `top`, `bottom`, `dress`, `full`, `outerwear`, `shoes`, `watch`, `glasses`, `hat`, `bag`, `jewelry` or `accessory` (any other accessory). A provider that cannot dress one answers 422 `unsupported_category` before any credit is spent.
 * @attr product - Product id the endpoint's configuration resolves to a garment image (instead of, or besides, `garment`).
 * @attr product-name - The product's name as the page shows it (e.g. `Linen shirt`): the desktop dialog covers the page's buy box and restates it, with the size, above the steps.
 * @attr size - Optional size label sent with the job (e.g. `M`), shown in the desktop dialog.
 * @attr variant - The page's selected variant as the shopper reads it (e.g. `Navy / M`): the result's button says "Add Navy / M to cart" and `try-on-add-to-cart` carries it. Keep it in step with the page's pickers; a change re-renders the open result.
 * @attr variant-id - The selected variant's id in the shop (e.g. a SKU or Shopify variant id), carried by `try-on-add-to-cart`; it also marks the current one of `variants`.
 * @attr variants - Variants the result offers to try on in one tap (another colour), as JSON: `[{"id":"navy","label":"Navy","garment":"/img/navy.png","swatch":"#1f2a44"}]` (`swatch`, a CSS colour, is optional: the garment image stands in). Choosing one starts a new try-on with the photo the endpoint already holds: no new upload, no new consent. As a property, an array of the same objects.
 * @attr consent-version - Version of the consent text the shopper accepts; sent with every job. Default `2026-11`.
 * @attr merchant - Shop name shown in the consent sentence. Default "this shop".
 * @attr policy-url - Link to the merchant's privacy policy, shown next to the consent box. Without it the console warns once per page (the consent text then names a policy it cannot link to).
 * @attr retention - What the try-on service keeps of the photo and for how long, in one sentence in the page's language (e.g. "The try-on service deletes it within 24 hours."). Shown under the consent box; without it the text points to the privacy policy.
 * @attr turnstile-sitekey - Cloudflare Turnstile sitekey, for an endpoint that sets `TRYON_TURNSTILE_SECRET`. The panel then loads Cloudflare's script, renders the check invisibly (shown only when Cloudflare needs the shopper to interact) in a `<div slot="turnstile">` it adds to the element while open, and sends a fresh token with every submit. Without it nothing of Turnstile loads. (`turnstile-script` replaces the script's URL, for tests.)
 * @attr lang - Standard HTML attribute: the widget's language (`en`, `de`, `fr`, `es`, `ja`; `de-CH` counts as `de`). Without it the closest ancestor's `lang` (up to `<html lang>`) is used, then the browser's languages; English when none is shipped. Merchant `strings` override any locale.
 * @attr status - Read-only, reflected: `idle`, `consent`, `capture`, `processing`, `complete` or `error`.
 *
 * @fires try-on-open - The panel opened. Detail: `{}`.
 * @fires try-on-close - The panel closed. A job in flight stops being watched but is remembered for this tab: reopening (also after a reload or on another page showing this product) picks it up. Detail: `{}`.
 * @fires try-on-consent - The consent box was ticked or unticked. Detail: `{ given: boolean, version: string }`.
 * @fires try-on-photo - A photo was chosen. Detail: `{ type: string, size: number }` (the file's MIME type and bytes).
 * @fires try-on-start - A job is being submitted. Detail: `{ category: string, garment: string | undefined, product: string | undefined }`.
 * @fires try-on-progress - The endpoint reported the job's status. Detail: `{ status: 'queued' | 'processing' | 'completed' | 'failed', stage: 'preparing' | 'uploading' | 'queued' | 'processing' | 'finishing', queue?: { position: number, etaSec: number } }`; `queue` only while the job waits in the provider account's line (its place, 1 is next, and the endpoint's estimate of the wait in seconds), which the panel shows as "In line: number 3, about 40 s"; Cancel then gives the place up.
 * @fires try-on-complete - The result is shown. Detail: `{ images: string[] }`.
 * @fires try-on-error - Something failed. Detail: `{ code: string, message: string }` (`code` from the protocol's ERROR_CODES).
 * @fires try-on-add-to-cart - The shopper pressed "Add to cart" on the result; the page adds it (the element does not). Detail: `{ product: string | undefined, size: string | undefined, garment: string | undefined, image: string, variant: string | undefined, variantId: string | undefined, waitUntil(promise) }`. The button then reads "Added to cart"; a page that adds asynchronously calls `event.detail.waitUntil(promise)` while handling the event: the button waits, and a rejected promise tells the shopper it was not added.
 * @fires try-on-variant - The shopper chose another of `variants` on the result. Detail: `{ id: string, label: string, garment: string }` (absolute). The element's `variantId`, `variant` and `garment` are now that variant's and a try-on with the same photo starts (`try-on-start` follows); move the page's picker along here.
 * @fires try-on-share - The result was shared. Detail: `{ method: 'file' | 'link' | 'clipboard', image: string }` (file through the share sheet where the browser can share files, else the link, else the link copied).
 * @fires try-on-download - The result was saved. Detail: `{ image: string, filename: string }` (`try-on-<product>.<jpg|png|svg|webp>`).
 *
 * @slot - Content of the trigger button. Default: a hanger icon and "Try it on".
 *
 * @csspart button - The trigger `<button>`.
 * @csspart badge - "In progress" / "Ready" inside the trigger while a try-on of this tab for this product awaits the shopper.
 * @csspart remember-checkbox - The opt-in "Remember my photo" `<input type="checkbox">` (unticked by default).
 * @csspart forget - "Delete my photo" (or "Clear my try-ons"): removes everything the widget saved on this device.
 * @csspart history - The strip of earlier results for this product.
 * @csspart history-item - One earlier result (a link to the image).
 * @csspart history-delete - The button deleting one earlier result.
 * @csspart panel - The modal `<dialog>`: centred on wide screens with two panes (the picture on one side: the garment, then the chosen photo, the progress and the result; the steps and their controls on the other), a full-screen sheet under 600 px. Focus moves in on opening, Tab and Shift+Tab cycle through its visible controls, Esc closes it, and focus returns to the button.
 * @csspart product - Above the steps in the centred dialog: the `product-name` and the `size`, restating the buy box the dialog covers.
 * @csspart close - The panel's close button.
 * @csspart consent-checkbox - The consent `<input type="checkbox">`.
 * @csspart file-input - The `<input type="file" accept="image/*">` (visually hidden; the choose button opens it).
 * @csspart choose - The visible "Choose a photo" button that opens the file picker.
 * @csspart take-photo - The "Take a photo" button: opens the live camera (or the phone's camera app where there is no camera API, or after the camera was refused).
 * @csspart camera - The live camera area (a mirrored `<video>` preview of the front camera).
 * @csspart capture - The shutter button under the live camera; the photo is taken unmirrored at the camera's full resolution.
 * @csspart switch-camera - Switches between cameras; shown only when the device has two or more.
 * @csspart camera-back - Leaves the live camera (its tracks stop) and returns to the picker.
 * @csspart camera-message - Why the live camera is unavailable (`data-reason`: `denied`, `none`, `in_use` or `unsupported`); the picker stays below it.
 * @csspart retake - Under a photo taken with the camera: opens the camera again.
 * @csspart change-photo - Under a chosen photo: opens the picker again.
 * @csspart guidance - Short illustrated photo tips, shown before the first photo on a device until dismissed.
 * @csspart guidance-done - Dismisses the guidance (it is not shown again on this device).
 * @csspart photo-checks - Fix-it hints from the on-device checks (`data-check` on each item: `too_small`, `too_dark`, `too_bright`, `blurry`, `landscape`); the submit button then reads "Use anyway".
 * @csspart drop-target - The overlay shown while a photo is dragged over the panel (photos can also be pasted).
 * @csspart preview - The `<img>` preview of the chosen photo.
 * @csspart submit - The button that starts the try-on.
 * @csspart progress - The progress area (bar and stage text) while processing.
 * @csspart steps - The `<ol>` of the four progress steps (preparing, uploading, queued, generating); each `<li>` has `data-step` and `data-state` (`done`, `current`, `pending`).
 * @csspart estimate - The time-left line ("About 15 seconds left", then "Almost done…").
 * @csspart cancel - The cancel button while processing.
 * @csspart result-image - The `<img>` of the try-on result.
 * @csspart compare - The frame holding the result, the shopper's photo over it and the slider.
 * @csspart before-image - The `<img>` of the shopper's (processed) photo, clipped to the slider's position.
 * @csspart compare-slider - The before/after `<input type="range">` (0–100: share of the width showing the shopper's photo); arrows, Home/End, PageUp/PageDown, drag and touch.
 * @csspart zoom-button - The button on the result that opens the full-screen zoom.
 * @csspart zoom - The full-screen zoom view (a popover dialog): wheel, pinch or tap to zoom, drag or arrows to pan, Esc closes it.
 * @csspart zoom-close - The zoom view's close button.
 * @csspart download - The `<a download>` that saves the result (`try-on-<product>.<ext>`).
 * @csspart share - The share button (Web Share with the file or link; otherwise copies the link).
 * @csspart toast - The short confirmation line ("Link copied").
 * @csspart add-to-cart - The result's add-to-cart button (fires `try-on-add-to-cart`); `data-state` is `adding` while the page's `waitUntil` promise runs, then `added`.
 * @csspart variants - The group of `variants` on the result ("Try another colour").
 * @csspart variant - One variant's button in it (`aria-pressed="true"` on the one shown).
 * @csspart error - The error message area.
 * @csspart retry - The retry button in the error state.
 * @csspart dismiss - The only button of a setup error's view (the endpoint cannot try this product on: unknown product, garment host, category or page origin not allowed): "Close". Such an error is known before consent when the endpoint's check answers on first intent (hover, focus, touch) or at open; the trigger itself stays visible and enabled, and the console names the setting to fix.
 * @csspart pick-another - The "Choose another photo" button in the error state, "Try another photo" in the complete state.
 *
 * @cssprop [--try-on-accent=#1f2a37] - Background of primary buttons.
 * @cssprop [--try-on-accent-contrast=#ffffff] - Text on primary buttons (keep 4.5:1 contrast with the accent).
 * @cssprop [--try-on-radius=10px] - Corner radius of buttons; the panel uses 1.5×.
 * @cssprop [--try-on-font=system-ui] - Font family.
 * @cssprop [--try-on-surface=#ffffff] - Panel background.
 * @cssprop [--try-on-text=#111827] - Panel text colour.
 * @cssprop [--try-on-muted=#4b5563] - Secondary text colour.
 * @cssprop [--try-on-border=#d1d5db] - Borders and dividers.
 * @cssprop [--try-on-focus-ring=#2563eb] - Focus ring colour.
 * @cssprop [--try-on-danger=#b42318] - Error accents.
 * @cssprop [--try-on-panel-width=1120px] - Largest width of the centred dialog on wide screens (it always leaves 24 px of the page on each side).
 * @cssprop [--try-on-z-index=2147483000] - Stacking order of the panel where the Popover API is missing.
 */
export class TryOnButton extends ReactiveHost implements TryOnHost {
  static get observedAttributes(): string[] {
    // `lang` stays the native property; observing the attribute re-renders the label in the new language.
    return [...Object.keys(ATTRIBUTE_PROPERTIES), 'status', 'lang'];
  }

  static {
    this.reactive([...Object.values(ATTRIBUTE_PROPERTIES), 'strings']);
  }

  /** Base URL of the try-on endpoint (attribute `endpoint`). */
  declare endpoint: string;
  /** Garment image URL (attribute `garment`); relative URLs resolve against the page. */
  declare garment: string | undefined;
  /** Garment category (attribute `category`). */
  declare category: string;
  /** Product id (attribute `product`). */
  declare product: string | undefined;
  /** The product's name as the page shows it (attribute `product-name`). */
  declare productName: string | undefined;
  /** Optional size label (attribute `size`). */
  declare size: string | undefined;
  /** The selected variant's label (attribute `variant`), e.g. `Navy / M`. */
  declare variant: string | undefined;
  /** The selected variant's id (attribute `variant-id`). */
  declare variantId: string | undefined;
  /**
   * Variants the result offers to try on in one tap: an array of `{ id, label, garment, swatch? }`,
   * or its JSON text (what the `variants` attribute sets; read back as set).
   */
  declare variants: readonly TryOnVariant[] | string | undefined;
  /** Version of the consent text (attribute `consent-version`). */
  declare consentVersion: string;
  /** Shop name in the consent sentence (attribute `merchant`). */
  declare merchant: string | undefined;
  /** Privacy policy link (attribute `policy-url`). */
  declare policyUrl: string | undefined;
  /** The provider's retention in the merchant's words (attribute `retention`). */
  declare retention: string | undefined;
  /** Cloudflare Turnstile sitekey (attribute `turnstile-sitekey`); unset, Turnstile is off. */
  declare turnstileSitekey: string | undefined;
  /** URL of Turnstile's script (attribute `turnstile-script`): Cloudflare's unless a test serves a fake. */
  declare turnstileScript: string | undefined;
  /**
   * Partial override of the strings (see TryOnStrings in strings.ts), merged over the locale in
   * use: `el.strings = { button: 'Essayez-le', errors: { rate_limited: '…' } }`.
   */
  declare strings: Partial<TryOnStrings> | undefined;

  /** Current status, reflected as the `status` attribute. Set by the widget; read it, don't write it. */
  get status(): TryOnStatus {
    return this._panel?.status ?? 'idle';
  }

  set status(_ignored: TryOnStatus) {
    // `status` belongs to the state machine: a page writing it cannot move it, and the next
    // update puts the attribute back.
    this.requestUpdate();
  }

  /** The panel, once its code has loaded and the button was first used. */
  _panel: TryOnPanel | undefined;

  readonly #root: ShadowRoot;
  readonly #button: HTMLButtonElement;
  readonly #label: HTMLElement;
  readonly #badge: PendingBadge;
  #reflecting = false;

  constructor() {
    super({ endpoint: '', category: '', consentVersion: '2026-11' });
    // A status a page set before the element was defined would hide the accessor.
    if (Object.hasOwn(this, 'status')) delete (this as { status?: unknown }).status;
    this.#root = this.attachShadow({ mode: 'open' });
    adoptCss(this.#root, buttonStyles);
    this.#root.innerHTML = BUTTON;
    this.#button = this.#root.firstElementChild as HTMLButtonElement;
    this.#label = this.#button.querySelector('span')!;
    this.#button.addEventListener('click', this.#onClick);
    this.#button.addEventListener('pointerenter', this.#prefetch);
    this.#button.addEventListener('focus', this.#prefetch);
    // Passive, so listening for intent never delays scrolling on touch screens.
    this.#button.addEventListener('touchstart', this.#prefetch, { passive: true });
    this.#badge = new PendingBadge(this);
  }

  /** Opens the panel, loading its code first if needed. Resolves once the panel is shown. */
  async open(): Promise<void> {
    try {
      await (await this.#ensurePanel()).open();
    } catch {
      // The panel's code or its strings did not load (offline): the next click tries again.
      this.emit('try-on-error', { code: 'network_error', message: 'The try-on could not load. Check your connection and try again.' });
    }
  }

  /** Closes the panel, abandoning any job in flight, and returns focus to the button. */
  close(): void {
    this._panel?.close();
  }

  /** Starts loading the panel's code without opening it (the button does this on hover/focus). */
  prefetch(): void {
    loadPanelModule().then(
      (module) => module.prefetch(this),
      () => {
        // A failed prefetch is retried on click, where the failure is reported.
      },
    );
  }

  /** The trigger button inside the shadow root (the panel returns focus to it). */
  get buttonElement(): HTMLButtonElement | null {
    return this.#button;
  }

  /** The shadow root the button and the panel render into. */
  get renderRoot(): ShadowRoot {
    return this.#root;
  }

  /** Dispatches one of the element's typed events, bubbling and composed. */
  emit<K extends TryOnEventName>(name: K, detail: TryOnEventDetails[K]): boolean {
    return this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: false }));
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name === 'lang') {
      if (old !== value) this.requestUpdate();
    } else if (name === 'status') {
      // A page writing the attribute: the next update puts the machine's status back.
      if (!this.#reflecting) this.requestUpdate();
    } else if (name in ATTRIBUTE_PROPERTIES) {
      (this as Record<string, unknown>)[ATTRIBUTE_PROPERTIES[name as keyof typeof ATTRIBUTE_PROPERTIES]] = value;
    }
  }

  async #ensurePanel(): Promise<TryOnPanel> {
    if (this._panel) return this._panel;
    const module = await loadPanelModule();
    if (!this._panel) {
      this._panel = new module.TryOnPanel(this);
      this.requestUpdate();
    }
    return this._panel;
  }

  protected update(): void {
    const status = this.status;
    if (this.getAttribute('status') !== status) {
      this.#reflecting = true;
      this.setAttribute('status', status);
      this.#reflecting = false;
    }
    const button = this.#button;
    const open = status !== 'idle';
    button.setAttribute('aria-expanded', String(open));
    if (this._panel && open) button.setAttribute('aria-controls', 'panel');
    else button.removeAttribute('aria-controls');
    // In the page's language from the first render, as the panel will speak; the merchant's strings win.
    const [label, progress, ready] = TRIGGER_LABELS[resolveLocale(this)];
    const strings = this.strings;
    const text = strings?.button ?? label;
    if (this.#label.textContent !== text) this.#label.textContent = text;
    this.#badge.renderInto(button, { progress: strings?.badgeInProgress ?? progress, ready: strings?.badgeReady ?? ready });
    this._panel?.renderInto(this.#root);
  }

  #prefetch = (): void => this.prefetch();

  #onClick = (): void => {
    if (this.status === 'idle') void this.open();
    else this.close();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'try-on-button': TryOnButton;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends TryOnEventMap {}
}
