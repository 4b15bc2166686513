import { css } from '../css.ts';

/** Styles of the consent details, the memory controls and the history strip (views/memory.ts). */
export const memoryStyles = css`
  /* Short facts, one a line, readable at a glance (not a paragraph of small grey print). */
  .consent-details {
    margin: -4px 0 0;
    padding-left: 20px;
    font-size: 0.85rem;
  }
  .remember {
    display: flex;
    gap: 10px;
    align-items: flex-start;
    font-size: 0.85rem;
    cursor: pointer;
  }
  .remember input {
    flex: none;
    width: 20px;
    height: 20px;
    margin: 0;
    accent-color: var(--_accent);
    cursor: pointer;
  }
  .memory {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0 12px;
    margin-block: -6px;
  }
  .link-button {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-height: 44px;
    padding: 0 4px;
    border: 0;
    background: transparent;
    color: var(--_danger);
    font: inherit;
    font-size: 0.85rem;
    font-weight: 600;
    text-decoration: underline;
    text-underline-offset: 2px;
    cursor: pointer;
  }
  .link-button svg {
    width: 18px;
    height: 18px;
  }
  .link-button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  .preview:has(.saved-caption) {
    position: relative;
  }
  /* On the photo, so it costs no height in the column. */
  .saved-caption {
    position: absolute;
    left: 8px;
    bottom: 8px;
    padding: 2px 8px;
    border-radius: 999px;
    background: color-mix(in srgb, var(--_surface) 88%, transparent);
    color: var(--_text);
    font-size: 0.8rem;
    font-weight: 600;
  }
  .history h3 {
    margin: 0 0 6px;
    font-size: 0.85rem;
    font-weight: 600;
  }
  .history ul {
    display: flex;
    gap: 8px;
    margin: 0;
    padding: 2px 0 4px;
    list-style: none;
    overflow-x: auto;
  }
  .history li {
    position: relative;
    flex: none;
  }
  .history a {
    display: block;
    border-radius: var(--_radius);
  }
  .history img {
    display: block;
    width: 56px;
    height: 72px;
    object-fit: cover;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_text) 4%, var(--_surface));
  }
  .centred .history img {
    width: 46px;
    height: 58px;
  }
  .history .remove {
    position: absolute;
    top: -6px;
    right: -6px;
    display: grid;
    place-items: center;
    width: 24px;
    height: 24px;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: 50%;
    background: var(--_surface);
    color: var(--_text);
    cursor: pointer;
  }
  /* A 24 px circle is the visible mark; the hit area reaches 44 px for thumbs. */
  .history .remove::before {
    content: '';
    position: absolute;
    inset: -10px;
  }
  .history .remove svg {
    width: 14px;
    height: 14px;
  }
  .history a:focus-visible,
  .history .remove:focus-visible,
  .link-button:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
`;
