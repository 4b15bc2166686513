import { css } from '../css.ts';

/** Styles of the progress steps and of the result tools, added after panelStyles. */
export const progressResultStyles = css`
  /* ---- progress ---- */
  .steps {
    display: grid;
    grid-template-columns: repeat(4, minmax(0, 1fr));
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
    counter-reset: none;
  }
  .step {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 6px;
    text-align: center;
    font-size: 0.78rem;
    line-height: 1.25;
    color: var(--_muted);
  }
  .step-mark {
    display: grid;
    place-items: center;
    width: 26px;
    height: 26px;
    border-radius: 50%;
    border: 1.5px solid var(--_border);
    background: var(--_surface);
    font-size: 0.78rem;
    font-weight: 650;
    box-sizing: border-box;
  }
  .step-mark svg {
    width: 16px;
    height: 16px;
    stroke-width: 2.4;
  }
  .step.done .step-mark {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_accent-contrast);
  }
  .step.current {
    color: var(--_text);
    font-weight: 650;
  }
  .step.current .step-mark {
    border: 2px solid var(--_accent);
    color: var(--_accent);
    box-shadow: 0 0 0 4px color-mix(in srgb, var(--_accent) 16%, transparent);
  }
  /* What is being made: the shopper's photo with the garment on a card at its corner. */
  .preview.working {
    position: relative;
  }
  .preview.working .garment {
    position: absolute;
    right: 8px;
    bottom: 8px;
    width: 30%;
    background: var(--_surface);
    opacity: 1;
    filter: none;
  }
  .estimate {
    color: var(--_muted);
    font-size: 0.88rem;
    font-variant-numeric: tabular-nums;
  }

  /* ---- result ---- */
  /* Never squashed by the column: a squashed frame would crop the picture instead of scaling it. */
  .result {
    --_result-max-h: max(160px, min(52vh, calc(var(--_panel-max-height, 100vh) - 250px)));
    position: relative;
    flex: none;
    background: none;
  }
  .sheet .result {
    --_result-max-h: max(200px, calc(100dvh - 270px));
  }
  /* The frame takes the shown picture's own size (its ratio is set once it loads), so the split,
     the handle and the tools sit on the photo, not on an empty band beside it. Until then the
     large fallback ratio makes it the full width. */
  .compare-frame {
    position: relative;
    display: block;
    width: min(100%, calc(var(--_result-max-h) * var(--_ratio, 1000)));
    line-height: 0;
    border-radius: var(--_radius);
    overflow: hidden;
    background: color-mix(in srgb, var(--_text) 6%, var(--_surface));
  }
  .compare-frame img[part='result-image'] {
    max-height: var(--_result-max-h);
  }
  .compare-frame .before {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    max-height: none;
    object-fit: cover;
  }
  .divider {
    position: absolute;
    top: 0;
    bottom: 0;
    width: 2px;
    margin-left: -1px;
    background: #fff;
    box-shadow: 0 0 0 1px rgb(0 0 0 / 0.25);
    pointer-events: none;
  }
  .knob {
    position: absolute;
    top: 50%;
    display: grid;
    place-items: center;
    width: 40px;
    height: 40px;
    margin: -20px 0 0 -20px;
    border-radius: 50%;
    background: #fff;
    color: #111827;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.3);
    pointer-events: none;
  }
  .knob svg {
    width: 22px;
    height: 22px;
    stroke-width: 2.2;
  }
  .tag {
    position: absolute;
    top: 10px;
    padding: 3px 8px;
    border-radius: 999px;
    background: rgb(17 24 39 / 0.72);
    color: #fff;
    font-size: 0.75rem;
    line-height: 1.4;
    font-weight: 600;
    pointer-events: none;
  }
  .tag[hidden] {
    display: none;
  }
  .tag-before {
    left: 10px;
  }
  .tag-after {
    right: 58px;
  }
  /* Said once, under the handle, until the shopper first moves it. */
  .compare-hint {
    top: calc(50% + 28px);
    left: 50%;
    transform: translateX(-50%);
  }
  /* The real range input spans the picture: pointer drag, touch and keys all move it. */
  .compare-slider {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    margin: 0;
    opacity: 0;
    cursor: ew-resize;
    -webkit-appearance: none;
    appearance: none;
    touch-action: pan-y;
  }
  .compare-slider::-webkit-slider-thumb {
    -webkit-appearance: none;
    width: 2px;
    height: 100%;
  }
  .compare-slider::-moz-range-thumb {
    width: 2px;
    height: 100%;
  }
  .compare-frame:has(.compare-slider:focus-visible) {
    outline: 3px solid var(--_focus);
    outline-offset: -3px;
  }
  .compare-frame:has(.compare-slider:focus-visible) .knob {
    box-shadow:
      0 0 0 3px var(--_focus),
      0 2px 8px rgb(0 0 0 / 0.3);
  }
  /* Zoom, download and share sit on the picture's corner, so the view stays as short as before. */
  .image-tools {
    position: absolute;
    top: 8px;
    right: 8px;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  .tool {
    display: grid;
    place-items: center;
    width: 44px;
    height: 44px;
    border: 0;
    border-radius: 50%;
    background: rgb(255 255 255 / 0.92);
    color: #111827;
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.28);
    cursor: pointer;
  }
  .tool:hover {
    background: #fff;
  }
  .zoom-button {
    cursor: zoom-in;
  }
  .tool svg {
    width: 22px;
    height: 22px;
  }
  .tool:focus-visible,
  .zoom-close:focus-visible,
  .zoom-stage:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  /* Each label stays on one line: the two buttons share a row when both fit, and otherwise
     (a narrow panel, a long language) stack full width, each still a 44 px target. */
  .result-actions {
    flex-wrap: wrap;
    gap: 8px;
  }
  /* A slightly smaller label and padding keep both on one row at 390 px and in the 380 px panel. */
  .result-actions .button {
    flex: 1 1 auto;
    gap: 6px;
    padding: 0 10px;
    font-size: 0.94rem;
    white-space: nowrap;
    text-align: center;
  }
  .actions svg {
    width: 20px;
    height: 20px;
  }
  /* Another colour in one tap: a chip per variant (a secondary button), its swatch and name. */
  .variant {
    margin: 6px 6px 0 0;
    padding: 0 12px 0 6px;
    border-radius: 22px;
  }
  .variant[aria-pressed='true'] {
    box-shadow: inset 0 0 0 2px var(--_text);
  }
  .variant > * {
    width: 30px;
    height: 30px;
    border: 1px solid var(--_border);
    border-radius: 50%;
    object-fit: cover;
  }
  .toast {
    position: absolute;
    left: 50%;
    bottom: 96px;
    transform: translateX(-50%);
    max-width: calc(100% - 40px);
    padding: 8px 14px;
    border-radius: 999px;
    background: #111827;
    color: #fff;
    font-size: 0.9rem;
    font-weight: 600;
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.25);
    transition: opacity 160ms ease;
    pointer-events: none;
  }
  .toast:not([data-shown]) {
    opacity: 0;
  }

  /* ---- zoom ---- */
  .zoom {
    position: fixed;
    inset: 0;
    width: 100vw;
    height: 100dvh;
    max-width: none;
    max-height: none;
    margin: 0;
    padding: 0;
    border: 0;
    background: rgb(10 12 16 / 0.94);
    color: #fff;
    overflow: hidden;
    z-index: calc(var(--try-on-z-index, 2147483000) + 1);
  }
  .zoom:not(:popover-open):not([popover]) {
    display: block;
  }
  .zoom-stage {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    overflow: hidden;
    touch-action: none;
    cursor: zoom-in;
    user-select: none;
  }
  .zoom-stage[data-scale]:not([data-scale='1.00']) {
    cursor: grab;
  }
  .zoom-stage img {
    max-width: 100%;
    max-height: 100%;
    transform-origin: center;
    transition: transform 120ms ease-out;
    will-change: transform;
  }
  .zoom-close {
    position: absolute;
    top: max(10px, env(safe-area-inset-top));
    right: 10px;
    background: rgb(255 255 255 / 0.92);
    color: #111827;
  }
  .zoom-close:hover {
    background: #fff;
  }
  .zoom-hint {
    position: absolute;
    left: 50%;
    bottom: max(16px, env(safe-area-inset-bottom));
    transform: translateX(-50%);
    padding: 6px 12px;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.55);
    font-size: 0.85rem;
    white-space: nowrap;
    pointer-events: none;
  }

  @media (prefers-reduced-motion: reduce) {
    .zoom-stage img,
    .toast {
      transition: none;
    }
  }
`;
