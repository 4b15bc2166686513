import { css } from './css.ts';

/** Styles of the lazily loaded panel; theme tokens (`--_*`) come from button-styles.ts. */
export const panelStyles = css`
  .panel {
    box-sizing: border-box;
    position: fixed;
    z-index: var(--try-on-z-index, 2147483000);
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    overflow: hidden;
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
    font-family: var(--_font);
    font-size: 15px;
    line-height: 1.45;
    text-align: start;
    box-shadow:
      0 24px 48px -12px rgb(16 24 40 / 0.28),
      0 4px 10px rgb(16 24 40 / 0.08);
  }
  .panel:focus {
    outline: none;
  }
  /* Wide screens: a fixed size in the middle, so no edge moves between steps. The picture pane
     (the garment, then whichever figure the view renders, taken out of the column) fills the
     start side; the header and the steps take the other. */
  .centred {
    --_h: min(820px, calc(100vh - 48px));
    --_side: min(400px, 44%);
    /* Sized by its insets, not by viewport units: WebKit can keep a dialog's vh from an earlier
       viewport (a rotated iPad, a resized window) while its content reads the new one. */
    inset: 24px;
    margin: auto;
    width: auto;
    height: auto;
    max-width: var(--try-on-panel-width, 1120px);
    max-height: 820px;
    border-radius: calc(var(--_radius) * 1.5);
    animation: try-on-pop 160ms ease-out;
  }
  .centred > :is(.head, .body) {
    margin-inline-start: calc(100% - var(--_side));
  }
  .centred .body {
    flex: 1;
  }
  .pane,
  .centred .body > :is(figure, .camera) {
    position: absolute;
    inset: 0 auto 0 0;
    width: calc(100% - var(--_side));
    margin: 0;
    padding: 24px;
    box-sizing: border-box;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    border-radius: 0;
    background: color-mix(in srgb, var(--_text) 5%, var(--_surface));
  }
  .pane img,
  .centred figure.preview img,
  .centred .camera-video {
    max-width: 100%;
    max-height: 100%;
    object-fit: contain;
    border-radius: var(--_radius);
  }
  .centred .result {
    /* The pane's 24px padding on each side and the dialog's 1px border. */
    --_result-max-h: calc(var(--_h) - 50px);
  }
  .product {
    font-size: 0.95rem;
  }
  .product span {
    color: var(--_muted);
  }
  .product b:not(:empty) + span::before {
    content: '· ';
  }
  .panel.sheet {
    inset: 0;
    width: 100%;
    height: 100%;
    max-width: none;
    max-height: none;
    border: 0;
    border-radius: 0;
    animation: try-on-rise 220ms cubic-bezier(0.2, 0.8, 0.2, 1);
  }
  .panel::backdrop {
    background: rgb(16 24 40 / 0.5);
  }
  @keyframes try-on-pop {
    from {
      opacity: 0;
      transform: translateY(-4px) scale(0.98);
    }
  }
  @keyframes try-on-rise {
    from {
      opacity: 0.4;
      transform: translateY(24px);
    }
  }

  .head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    padding: 10px 8px 10px 20px;
    padding-top: max(10px, env(safe-area-inset-top));
    border-bottom: 1px solid var(--_border);
    flex: none;
  }
  h2 {
    margin: 0;
    font-size: 1.05rem;
    font-weight: 650;
    letter-spacing: -0.005em;
  }
  .body {
    display: flex;
    flex-direction: column;
    gap: 16px;
    padding: 18px 20px 20px;
    padding-bottom: max(20px, env(safe-area-inset-bottom));
    overflow: auto;
    overscroll-behavior: contain;
  }
  .sheet .body {
    flex: 1;
    width: 100%;
    max-width: 560px;
    margin: 0 auto;
    box-sizing: border-box;
  }
  p {
    margin: 0;
  }
  .intro {
    color: var(--_muted);
  }
  svg {
    width: 22px;
    height: 22px;
    flex: none;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.7;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .icon-button {
    display: inline-grid;
    place-items: center;
    width: 44px;
    height: 44px;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: var(--_text);
    cursor: pointer;
  }
  .icon-button:hover {
    background: color-mix(in srgb, var(--_text) 8%, transparent);
  }

  .consent {
    display: flex;
    gap: 12px;
    align-items: flex-start;
    padding: 12px 14px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_text) 3%, var(--_surface));
    font-size: 0.9rem;
    cursor: pointer;
  }
  .consent input {
    flex: none;
    width: 22px;
    height: 22px;
    margin: 1px 0 0;
    accent-color: var(--_accent);
    cursor: pointer;
  }
  .consent-details a {
    color: inherit;
    font-weight: 600;
    text-underline-offset: 2px;
  }

  .picker {
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  .hint,
  .note {
    color: var(--_muted);
    font-size: 0.85rem;
  }
  .picker.locked .hint {
    color: var(--_text);
    font-weight: 500;
  }

  .button {
    box-sizing: border-box;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    min-height: 44px;
    padding: 0 18px;
    border-radius: var(--_radius);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    -webkit-tap-highlight-color: transparent;
    transition:
      filter 120ms ease,
      background-color 120ms ease;
  }
  .button.primary {
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_accent-contrast);
  }
  .button.primary:hover:not(:disabled) {
    filter: brightness(1.12);
  }
  .button.secondary {
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
  }
  .button.secondary:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_text) 6%, var(--_surface));
  }
  .button:disabled {
    cursor: not-allowed;
    opacity: 0.45;
  }
  .button.wide {
    width: 100%;
  }
  .button[hidden] {
    display: none;
  }
  :is(.button, .icon-button, .consent input, a):focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  .actions {
    display: flex;
    gap: 10px;
    justify-content: flex-end;
    flex-wrap: wrap;
  }
  .actions .button {
    flex: 1 1 auto;
  }
  /* The main actions sit at the bottom: under the thumb on the phone, in one place on every step. */
  .body > .actions:last-child {
    position: sticky;
    bottom: 0;
    margin-top: auto;
    padding-top: 12px;
    background: linear-gradient(transparent, var(--_surface) 12px);
  }

  /* flex-shrink: 0, or a long view (photo hints, history) squeezes the figure and its overflow crops the photo. */
  figure {
    flex-shrink: 0;
    margin: 0;
    border-radius: var(--_radius);
    overflow: hidden;
    background: color-mix(in srgb, var(--_text) 6%, var(--_surface));
    display: grid;
    place-items: center;
  }
  /* Image heights leave room for the rest of the view (header, texts, actions), so on a short
     screen the whole result, with any label at its bottom edge, shows without scrolling. */
  figure img {
    display: block;
    max-width: 100%;
    max-height: max(160px, min(52vh, calc(var(--_panel-max-height, 100vh) - 250px)));
    object-fit: contain;
  }
  .sheet figure img {
    max-height: max(200px, calc(100dvh - 270px));
  }
  .preview img,
  .sheet .preview img {
    max-height: max(140px, min(40vh, calc(var(--_panel-max-height, 100dvh) - 430px)));
  }
  /* Fill the frame (contained), so a small result is not a thumbnail in a big grey box. */
  .result img {
    width: 100%;
    height: auto;
  }
  .preview.working img {
    max-height: 28vh;
    opacity: 0.55;
    filter: saturate(0.6);
  }

  .progress {
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  .track {
    height: 6px;
    border-radius: 3px;
    overflow: hidden;
    background: color-mix(in srgb, var(--_text) 12%, var(--_surface));
  }
  .fill {
    height: 100%;
    border-radius: inherit;
    background: var(--_accent);
    transition: width 600ms ease;
    background-image: linear-gradient(90deg, transparent 0, rgb(255 255 255 / 0.35) 50%, transparent 100%);
    background-size: 200% 100%;
    animation: try-on-shimmer 1.4s linear infinite;
  }
  @keyframes try-on-shimmer {
    from {
      background-position: 200% 0;
    }
    to {
      background-position: -200% 0;
    }
  }
  .stage {
    font-weight: 550;
  }

  .error {
    display: flex;
    gap: 12px;
    padding: 14px;
    border: 1px solid color-mix(in srgb, var(--_danger) 35%, transparent);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_danger) 7%, var(--_surface));
  }
  .error svg {
    color: var(--_danger);
  }
  .error h3 {
    margin: 0 0 4px;
    font-size: 1rem;
  }
  .error ul {
    margin: 6px 0 0;
    padding-inline-start: 18px;
  }

  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }

  /* Every native checkbox, radio and range (the remember box, the compare slider) in the theme's accent. */
  input {
    accent-color: var(--_accent);
  }

  /* Everything in the shadow root, including views added later: no motion means none at all. */
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
