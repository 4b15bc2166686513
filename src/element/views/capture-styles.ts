import { css } from '../css.ts';

/** Styles of the capture step: guidance, live camera, check hints, drop target. */
export const captureStyles = css`
  /* Waiting for the box above, not broken: an outline in either theme, no faded accent. */
  .locked .button {
    border: 1px dashed var(--_muted);
    background: none;
    color: var(--_muted);
    opacity: 1;
  }
  .guidance {
    padding: 12px 14px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_accent) 5%, var(--_surface));
  }
  .guidance h3 {
    margin: 0 0 8px;
    font-size: 0.95rem;
    font-weight: 650;
  }
  .guidance ul {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 10px 12px;
    margin: 0 0 6px;
    padding: 0;
    list-style: none;
  }
  .guidance li {
    display: flex;
    gap: 8px;
    align-items: flex-start;
    font-size: 0.85rem;
    line-height: 1.35;
  }
  .guidance .tip-art {
    width: 32px;
    height: 32px;
    color: var(--_accent);
    stroke-width: 2;
  }
  .text-button {
    min-height: 44px;
    padding: 0 4px;
    border: 0;
    background: none;
    color: var(--_text);
    font: inherit;
    font-weight: 600;
    text-decoration: underline;
    text-underline-offset: 3px;
    cursor: pointer;
  }
  .text-button:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
    border-radius: 4px;
  }

  .camera {
    position: relative;
    display: grid;
    place-items: center;
    min-height: 240px;
    overflow: hidden;
    border-radius: var(--_radius);
    background: #111;
  }
  .camera-video {
    display: block;
    width: 100%;
    max-height: max(220px, min(56vh, calc(var(--_panel-max-height, 100dvh) - 300px)));
    object-fit: contain;
  }
  /* Mirrored like a bathroom mirror; the captured photo is drawn from the unmirrored frame. */
  .camera-video.mirrored {
    transform: scaleX(-1);
  }
  .camera-status {
    position: absolute;
    color: #fff;
  }
  .camera-actions .icon-only {
    flex: 0 0 auto;
    width: 48px;
    padding: 0;
  }

  .notice {
    padding: 10px 12px;
    border-inline-start: 4px solid var(--_danger);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_danger) 7%, var(--_surface));
  }
  .checks {
    padding: 10px 12px;
    border: 1px solid color-mix(in srgb, #b54708 45%, var(--_border));
    border-radius: var(--_radius);
    background: color-mix(in srgb, #f79009 10%, var(--_surface));
  }
  .checks-title {
    font-weight: 650;
  }
  .checks ul {
    margin: 4px 0 0;
    padding-inline-start: 1.2em;
  }
  .checks li + li {
    margin-top: 4px;
  }

  .drop-hint {
    display: none;
  }
  @media (hover: hover) and (pointer: fine) {
    .drop-hint {
      display: block;
    }
  }
  .drop-target {
    position: absolute;
    inset: 8px;
    z-index: 2;
    display: grid;
    place-items: center;
    border: 3px dashed var(--_accent);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_surface) 88%, transparent);
    color: var(--_text);
    font-size: 1.1rem;
    font-weight: 650;
    pointer-events: none;
  }
`;
