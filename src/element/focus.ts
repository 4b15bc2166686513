/** Focus helpers for the panel (no library: the panel's controls are few and known). */

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
  if (event.key !== 'Tab') return false;
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
