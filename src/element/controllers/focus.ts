/**
 * Focus in the panel, as a dialog needs it: after a view changes, focus goes to the new view's
 * main control (the old one's is gone); Tab stays inside the modal sheet; Esc closes; focus goes
 * back to the button after closing. No library: the panel's controls are few and known.
 */
import type { ReactiveController } from 'lit';
import type { TryOnHost } from '../host.ts';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]):not([tabindex="-1"]), a[href], [tabindex="0"]';

/** The focusable, rendered controls inside `root`, in document order. */
export function focusables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[hidden]') && el.getClientRects().length > 0);
}

/**
 * Keeps Tab and Shift+Tab cycling inside `root` (for the modal sheet). Returns true when it
 * moved focus, so the caller can prevent the default.
 */
export function trapTab(root: ParentNode, event: KeyboardEvent, active: Element | null): boolean {
  // WebKitGTK reports Shift+Tab's key as "Unidentified" (GDK's ISO_Left_Tab); its code is still "Tab".
  if (event.key !== 'Tab' && event.code !== 'Tab') return false;
  const items = focusables(root);
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return false;
  if (event.shiftKey && (active === first || !items.includes(active as HTMLElement))) {
    last.focus();
    return true;
  }
  if (!event.shiftKey && (active === last || !items.includes(active as HTMLElement))) {
    first.focus();
    return true;
  }
  return false;
}

export interface FocusOptions {
  /** The panel's element while it is rendered. */
  panel: () => HTMLElement | null;
  /** Whether Tab is kept inside the panel (the modal sheet). */
  trap: () => boolean;
  /** Whether a requested move happens even though focus is still on a control of the panel. */
  force: () => boolean;
  /** Esc was pressed in the widget, or with focus nowhere in particular. */
  onEscape: () => void;
}

export class FocusController implements ReactiveController {
  readonly #host: TryOnHost;
  readonly #options: FocusOptions;
  #requested = false;

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
    document.addEventListener('keydown', this.#onDocumentKeydown);
  }

  /** The panel closed; `restore`: focus goes back to the button once it has rendered. */
  detach(restore: boolean): void {
    document.removeEventListener('keydown', this.#onDocumentKeydown);
    this.#requested = false;
    if (restore) void this.#host.updateComplete.then(() => this.#host.buttonElement?.focus());
  }

  /** The panel's keydown handler: Tab stays inside the modal sheet. */
  onPanelKeydown = (event: KeyboardEvent): void => {
    if (!this.#options.trap()) return;
    const panel = this.#options.panel();
    if (panel && trapTab(panel, event, this.#host.renderRoot.activeElement)) event.preventDefault();
  };

  hostUpdated(): void {
    const panel = this.#options.panel();
    if (!this.#requested || !panel) return;
    this.#requested = false;
    const active = this.#host.renderRoot.activeElement;
    const lost = !active || !panel.contains(active) || !active.isConnected;
    if (!lost && !this.#options.force()) return;
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
