/**
 * Where the open panel sits: anchored to the button on wide screens, a full-screen sheet on
 * narrow ones (the page behind it then does not scroll). floating-ui belongs to the anchored
 * panel alone: its module (anchor.ts) is imported the first time a panel opens anchored, so a
 * phone never fetches it. Until it has loaded, or if it cannot load, the panel is a sheet,
 * which needs no code to place.
 */
import type { ReactiveController } from 'lit';
import type { TryOnHost } from '../host.ts';

/** Below this viewport width the panel is a full-screen sheet instead of an anchored popover. */
export const SHEET_QUERY = '(max-width: 599.98px)';

type AnchorModule = typeof import('./anchor.ts');

let anchorModule: Promise<AnchorModule> | undefined;

/** floating-ui and the placement around it, loaded once; a failed load is tried again next time. */
function loadAnchor(): Promise<AnchorModule> {
  anchorModule ??= import('./anchor.ts').catch((error: unknown) => {
    anchorModule = undefined;
    throw error;
  });
  return anchorModule;
}

export class PositionController implements ReactiveController {
  readonly #host: TryOnHost;
  readonly #panel: () => HTMLElement | null;
  #media: MediaQueryList | undefined;
  #anchor: AnchorModule | undefined;
  #unanchor: (() => void) | undefined;
  #savedOverflow: string | null = null;
  #attached = false;

  /** `panel`: the panel's element while it is rendered. */
  constructor(host: TryOnHost, panel: () => HTMLElement | null) {
    this.#host = host;
    this.#panel = panel;
    host.addController(this);
  }

  /** Whether the panel is the full-screen sheet (narrow screen, or the anchored panel's code is not here). */
  get sheet(): boolean {
    return !this.#anchor || (this.#media ??= matchMedia(SHEET_QUERY)).matches;
  }

  /** Before opening: loads the anchored panel's code when the screen is wide. Never rejects. */
  async prepare(): Promise<void> {
    if (this.#anchor || (this.#media ??= matchMedia(SHEET_QUERY)).matches) return;
    try {
      this.#anchor = await loadAnchor();
    } catch {
      // Opens as a sheet this time; the next opening tries again.
    }
  }

  /** The panel opened: follow the viewport's width. */
  attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    (this.#media ??= matchMedia(SHEET_QUERY)).addEventListener('change', this.#onChange);
  }

  /** The panel closed: stop anchoring, give the page its scrolling back. */
  detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    this.#media?.removeEventListener('change', this.#onChange);
    this.#stopAnchoring();
    this.#unlockScroll();
  }

  hostUpdated(): void {
    const panel = this.#panel();
    if (!panel || !this.#attached) return;
    if (typeof panel.showPopover === 'function' && !panel.matches(':popover-open')) panel.showPopover();
    const button = this.#host.buttonElement;
    if (this.sheet || !this.#anchor || !button) {
      this.#stopAnchoring();
      this.#lockScroll();
    } else {
      this.#unlockScroll();
      this.#unanchor ??= this.#anchor.anchorPanel(button, panel);
    }
  }

  // Widened while open: the anchored panel's code first (when not here yet), then the change.
  #onChange = (): void => void this.prepare().then(() => this.#host.requestUpdate());

  #stopAnchoring(): void {
    this.#unanchor?.();
    this.#unanchor = undefined;
    const panel = this.#panel();
    if (panel) clearAnchor(panel);
  }

  // The sheet covers the page; the page behind it should not scroll under the shopper's thumb.
  #lockScroll(): void {
    if (this.#savedOverflow !== null) return;
    this.#savedOverflow = document.documentElement.style.overflow;
    document.documentElement.style.overflow = 'hidden';
  }

  #unlockScroll(): void {
    if (this.#savedOverflow === null) return;
    document.documentElement.style.overflow = this.#savedOverflow;
    this.#savedOverflow = null;
  }
}

/** Removes what anchoring wrote, so the sheet's stylesheet rules apply unopposed. */
function clearAnchor(panel: HTMLElement): void {
  panel.style.removeProperty('left');
  panel.style.removeProperty('top');
  panel.style.removeProperty('max-height');
  panel.style.removeProperty('--_panel-max-height');
  delete panel.dataset.placement;
}
