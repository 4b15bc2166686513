/**
 * The open panel's shape: a full-screen sheet on narrow screens, a centred two-pane dialog on
 * wide ones. Both are the native <dialog> shown with showModal(), so both are modal (issues 14
 * and 17): the page behind is inert (Tab cannot leave, a screen reader stays inside) and does
 * not scroll, and the panel needs no code to place it. The dialog has a fixed size, so its
 * edges do not move between steps, and it covers the product's buy box, which the panel
 * restates instead.
 */
import type { ReactiveController } from 'lit';
import type { TryOnHost } from '../host.ts';

/** Below this viewport width the panel is a full-screen sheet instead of the centred dialog. */
export const SHEET_QUERY = '(max-width: 599.98px)';

export class PositionController implements ReactiveController {
  readonly #host: TryOnHost;
  readonly #panel: () => HTMLDialogElement | null;
  #media: MediaQueryList | undefined;
  #savedOverflow: string | null = null;
  #attached = false;

  /** `panel`: the panel's <dialog> while it is rendered. */
  constructor(host: TryOnHost, panel: () => HTMLDialogElement | null) {
    this.#host = host;
    this.#panel = panel;
    host.addController(this);
  }

  /** Whether the panel is the full-screen sheet (narrow screen). */
  get sheet(): boolean {
    return (this.#media ??= matchMedia(SHEET_QUERY)).matches;
  }

  /** The panel opened: follow the viewport's width. */
  attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    (this.#media ??= matchMedia(SHEET_QUERY)).addEventListener('change', this.#onChange);
  }

  /** The panel closed: out of the top layer, the page inert no more and scrolling again. */
  detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    this.#media?.removeEventListener('change', this.#onChange);
    const panel = this.#panel();
    if (panel?.open) panel.close();
    if (this.#savedOverflow !== null) document.documentElement.style.overflow = this.#savedOverflow;
    this.#savedOverflow = null;
  }

  hostUpdated(): void {
    const panel = this.#panel();
    if (!panel || !this.#attached) return;
    if (!panel.open) panel.showModal();
    // The page behind a modal panel should not scroll under the shopper's wheel or thumb.
    if (this.#savedOverflow === null) {
      this.#savedOverflow = document.documentElement.style.overflow;
      document.documentElement.style.overflow = 'hidden';
    }
  }

  #onChange = (): void => this.#host.requestUpdate();
}
