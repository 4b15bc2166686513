/**
 * Focus in the panel, as WAI-ARIA's modal dialog pattern has it, in both shapes: on opening and
 * after a view changes, focus goes to the view's main control (the old one's is gone); Tab and
 * Shift+Tab cycle through the visible controls and wrap; Esc closes; focus goes back to the
 * button after closing. No library: the panel's controls are few and known.
 */
import type { ReactiveController } from 'lit';
import type { TryOnHost } from '../host.ts';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]):not([tabindex="-1"]), a[href], iframe, [tabindex="0"]';

/**
 * The focusable, rendered controls inside `root`, in document order, with those of the page's
 * content slotted into it (Turnstile's challenge, when Cloudflare asks the shopper).
 */
export function focusables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(`${FOCUSABLE}, slot`)]
    .flatMap((el) =>
      el instanceof HTMLSlotElement ? el.assignedElements().flatMap((a) => [a, ...a.querySelectorAll(FOCUSABLE)] as HTMLElement[]) : [el],
    )
    .filter((el) => el.matches(FOCUSABLE) && !el.closest('[hidden]') && el.getClientRects().length > 0);
}

/**
 * Moves focus to the next (Shift: previous) visible control of `root`, wrapping at the ends.
 * Every Tab, not only the last: the order is then the same in every engine (WebKit skips
 * buttons by default, Gecko stops on scrolling boxes), and never something hidden. Returns
 * true when it moved focus, so the caller can prevent the default.
 */
export function trapTab(root: ParentNode, event: KeyboardEvent, active: Element | null): boolean {
  // WebKitGTK reports Shift+Tab's key as "Unidentified" (GDK's ISO_Left_Tab); its code is still "Tab".
  if (event.key !== 'Tab' && event.code !== 'Tab') return false;
  const items = focusables(root);
  const at = items.indexOf(active as HTMLElement);
  const next = items[at < 0 ? (event.shiftKey ? items.length - 1 : 0) : (at + (event.shiftKey ? items.length - 1 : 1)) % items.length];
  next?.focus();
  return !!next;
}

export interface FocusOptions {
  /** The panel's element while it is rendered. */
  panel: () => HTMLElement | null;
  /** Whether a requested move happens even though focus is still on a control of the panel. */
  force: () => boolean;
  /** Esc was pressed in the widget, or with focus nowhere in particular. */
  onEscape: () => void;
}

export class FocusController implements ReactiveController {
  readonly #host: TryOnHost;
  readonly #options: FocusOptions;
  #requested = false;
  /** Just opened: focus goes to the first view's main control, wherever showModal() put it. */
  #opening = false;

  constructor(host: TryOnHost, options: FocusOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** After the next render, puts focus on the view's main control if focus was lost (or `force` says so). */
  request(): void {
    this.#requested = true;
  }

  /** The panel opened: Esc closes it. */
  attach(): void {
    this.#opening = true;
    document.addEventListener('keydown', this.#onDocumentKeydown);
  }

  /** The panel closed; `restore`: focus goes back to the button once it has rendered. */
  detach(restore: boolean): void {
    document.removeEventListener('keydown', this.#onDocumentKeydown);
    this.#requested = false;
    if (restore) void this.#host.updateComplete.then(() => this.#host.buttonElement?.focus());
  }

  /** The panel's keydown handler: Tab stays inside the dialog. */
  onPanelKeydown = (event: KeyboardEvent): void => {
    const panel = this.#options.panel();
    // The key's own target: the focused control, also one of the page's slotted into the panel.
    if (panel && trapTab(panel, event, event.composedPath()[0] as Element)) event.preventDefault();
  };

  hostUpdated(): void {
    const panel = this.#options.panel();
    if (!this.#requested || !panel) return;
    this.#requested = false;
    const active = this.#host.renderRoot.activeElement;
    const lost = !active || !panel.contains(active) || !active.isConnected;
    const opening = this.#opening;
    this.#opening = false;
    if (!lost && !opening && !this.#options.force()) return;
    const preferred = panel.querySelector<HTMLElement>('[data-autofocus]:not([disabled])');
    (preferred ?? focusables(panel)[0] ?? panel).focus();
  }

  #onDocumentKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    const path = event.composedPath();
    // Esc closes when focus is in the widget, or nowhere in particular (body).
    if (path.includes(this.#host) || document.activeElement === document.body || document.activeElement === null) {
      event.preventDefault();
      this.#options.onEscape();
    }
  };
}
