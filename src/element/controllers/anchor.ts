/**
 * The anchored panel's placement, by floating-ui: under the button (or over it when the content
 * needs the room), inside the viewport, no taller than the room there is. The only module that
 * imports floating-ui, and itself imported only when an anchored panel opens (position.ts), so
 * the phone sheet never fetches it.
 */
import { autoUpdate, computePosition, flip, offset, shift, size } from '@floating-ui/dom';

/** Keeps `panel` anchored to `button` until the returned cleanup function is called. */
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
        flip({
          padding: 8,
          fallbackPlacements:
            preferred === 'top-end' ? ['top-start', 'bottom-end', 'bottom-start'] : ['bottom-start', 'top-end', 'top-start'],
        }),
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
