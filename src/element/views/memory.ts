/**
 * The shopper's on-device memory in the capture step: the "Remember my photo" box, or where the
 * saved photo is kept and how to delete it, and the strip of earlier results for this product.
 */
import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { MemoryView } from '../controllers/memory.ts';
import type { TryOnStrings } from '../strings.ts';

const trash = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 7h14M10 7V5h4v2M7 7l1 12h8l1-12" /></svg>`;

/** What the memory's controls do (controllers/memory.ts). */
export interface MemoryActions {
  onRemember: (event: Event) => void;
  onRemove: (image: string) => void;
}

/** The "Remember my photo" box, or, with a photo saved, where it is kept and how to delete it. */
export function renderMemoryControls(
  s: TryOnStrings,
  view: MemoryView,
  actions: MemoryActions,
  onForget: () => void,
  showingSaved: boolean,
): TemplateResult {
  if (view.photo || view.history.length) {
    // While the saved photo is on screen its caption already says where it is kept.
    return html`<div class="memory">
      ${showingSaved ? nothing : html`<p class="note">${view.photo ? s.savedOnDevice : s.historyOnDevice}</p>`}
      <button part="forget" class="link-button" type="button" ?disabled=${view.busy} @click=${onForget}>
        ${trash}<span>${view.photo ? s.forgetPhoto : s.forgetHistory}</span>
      </button>
    </div>`;
  }
  return html`<label class="remember">
    <input part="remember-checkbox" type="checkbox" .checked=${view.remember} @change=${actions.onRemember} />
    <span>${s.rememberLabel}</span>
  </label>`;
}

/** This product's earlier results: each opens full size, each can be deleted. `lang` formats the dates. */
export function renderHistory(
  s: TryOnStrings,
  view: MemoryView,
  actions: MemoryActions,
  lang: string | undefined,
): TemplateResult | typeof nothing {
  // Announced through the panel's live region; shown here so it can be read again.
  if (!view.history.length) return view.notice ? html`<p class="note memory-notice">${view.notice}</p>` : nothing;
  const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  return html`<section part="history" class="history" aria-labelledby="history-title">
    <h3 id="history-title">${s.historyTitle}</h3>
    <ul>
      ${view.history.map((entry) => {
        const date = format.format(entry.date);
        return html`<li part="history-item">
          <a href=${entry.image} target="_blank" rel="noopener" aria-label=${s.historyOpen(date)}>
            <img src=${entry.image} alt="" loading="lazy" @error=${() => actions.onRemove(entry.image)} />
          </a>
          <button
            part="history-delete"
            class="remove"
            type="button"
            aria-label=${s.historyDelete(date)}
            @click=${() => actions.onRemove(entry.image)}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 7l10 10M17 7L7 17" /></svg>
          </button>
        </li>`;
      })}
    </ul>
  </section>`;
}
