import { autoUpdate, computePosition, flip, offset, shift, size } from '@floating-ui/dom';

/** Below this viewport width the panel is a full-screen sheet instead of an anchored popover. */
export const SHEET_QUERY = '(max-width: 599.98px)';

/**
 * Keeps `panel` anchored under (or, when its content needs the room, over) `button`, inside the viewport, and no
 * taller than the room available. Returns the cleanup function.
 */
export function anchorPanel(button: HTMLElement, panel: HTMLElement): () => void {
  const update = async () => {
    // flip() judges the panel at its current, already clamped height, so a panel placed below
    // the button while it was small (consent) would stay there squeezed and scrolling once a
    // result makes it tall. Prefer the side with more room whenever the whole content (the
    // scrolling body's full height, not its clamped box) does not fit below.
    const anchor = button.getBoundingClientRect();
    const below = window.innerHeight - anchor.bottom - 16;
    const above = anchor.top - 16;
    const body = panel.querySelector<HTMLElement>('.body');
    const natural = body ? panel.offsetHeight - body.clientHeight + body.scrollHeight : panel.offsetHeight;
    const preferred = natural > below && above > below ? 'top-end' : 'bottom-end';
    let maxHeight = panel.style.maxHeight;
    const { x, y, placement } = await computePosition(button, panel, {
      strategy: 'fixed',
      placement: preferred,
      middleware: [
        offset(8),
        flip({ padding: 8, fallbackPlacements: preferred === 'top-end' ? ['top-start', 'bottom-end', 'bottom-start'] : ['bottom-start', 'top-end', 'top-start'] }),
        shift({ padding: 8 }),
        size({
          padding: 8,
          apply({ availableHeight }) {
            maxHeight = `${Math.max(240, Math.floor(availableHeight))}px`;
          },
        }),
      ],
    });
    // Written on the next frame, and only when something changed: writing inside autoUpdate's
    // ResizeObserver turn would resize the observed panel in the same turn ("ResizeObserver loop
    // completed with undelivered notifications").
    requestAnimationFrame(() => {
      const left = `${x}px`;
      const top = `${y}px`;
      if (panel.style.left !== left) panel.style.left = left;
      if (panel.style.top !== top) panel.style.top = top;
      if (panel.style.maxHeight !== maxHeight) {
        panel.style.maxHeight = maxHeight;
        // Images size themselves from this, so a result fits without scrolling where it can.
        panel.style.setProperty('--_panel-max-height', maxHeight);
      }
      panel.dataset.placement = placement;
    });
  };
  return autoUpdate(button, panel, () => void update());
}

/** Removes what anchoring wrote, so the sheet's stylesheet rules apply unopposed. */
export function clearAnchor(panel: HTMLElement): void {
  panel.style.removeProperty('left');
  panel.style.removeProperty('top');
  panel.style.removeProperty('max-height');
  panel.style.removeProperty('--_panel-max-height');
  delete panel.dataset.placement;
}
