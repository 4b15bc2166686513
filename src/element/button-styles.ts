import { css } from './css.ts';

/**
 * Styles of the trigger button, plus the theme tokens the lazily loaded panel also reads.
 * Public knobs are `--try-on-*`; the `--_*` names are private shorthands with the fallbacks.
 */
export const buttonStyles = css`
  :host {
    --_accent: var(--try-on-accent, #1f2a37);
    --_accent-contrast: var(--try-on-accent-contrast, #ffffff);
    --_radius: var(--try-on-radius, 10px);
    --_font: var(--try-on-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_surface: var(--try-on-surface, #ffffff);
    --_text: var(--try-on-text, #111827);
    --_muted: var(--try-on-muted, #4b5563);
    --_border: var(--try-on-border, #d1d5db);
    --_focus: var(--try-on-focus-ring, #2563eb);
    --_danger: var(--try-on-danger, #b42318);
    display: inline-block;
    font-family: var(--_font);
  }
  :host([hidden]) {
    display: none;
  }
  [part='button'] {
    box-sizing: border-box;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5em;
    min-height: 44px;
    min-width: 44px;
    padding: 0 1.25em;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_accent);
    color: var(--_accent-contrast);
    font: inherit;
    font-size: 1rem;
    font-weight: 600;
    letter-spacing: 0.01em;
    line-height: 1.2;
    cursor: pointer;
    -webkit-tap-highlight-color: transparent;
    transition:
      transform 120ms ease,
      box-shadow 120ms ease,
      filter 120ms ease;
  }
  [part='button']:hover {
    filter: brightness(1.12);
    box-shadow: 0 4px 14px rgb(0 0 0 / 0.14);
  }
  [part='button']:active {
    transform: translateY(1px);
  }
  [part='button']:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .icon {
    width: 1.25em;
    height: 1.25em;
    flex: none;
  }
  /* The pending try-on badge inside the trigger. */
  .badge {
    padding: 0.15em 0.55em;
    border-radius: 999px;
    background: var(--_accent-contrast);
    color: var(--_accent);
    font-size: 0.75em;
    font-weight: 700;
    letter-spacing: 0.02em;
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: reduce) {
    [part='button'] {
      transition: none;
    }
    [part='button']:active {
      transform: none;
    }
  }
`;
