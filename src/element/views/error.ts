/** The error view: what failed, in the shopper's words, and what they can do next. */
import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { ShownError } from '../machine.ts';
import type { TryOnStrings } from '../strings.ts';
import { icons } from './icons.ts';

export interface ErrorView {
  error: ShownError;
  /** Sending the same photo again could help and there is a photo to send. */
  canRetry: boolean;
  /** The security check is earning its token before the retry can go. */
  checking: boolean;
  onRetry: () => void;
  onPickAnother: () => void;
  onClose: () => void;
}

export function renderError(s: TryOnStrings, { error, canRetry, checking, onRetry, onPickAnother, onClose }: ErrorView): TemplateResult {
  return html`
    <div part="error" class="error" role="alert" data-code=${error.code}>
      ${icons.alert}
      <div>
        <h3>${error.setup ? error.message : s.errorTitle}</h3>
        ${error.setup ? nothing : html`<p>${error.message}</p>`}
        ${
          error.details?.length
            ? html`<ul>
                ${error.details.map((d) => html`<li>${d}</li>`)}
              </ul>`
            : nothing
        }
      </div>
    </div>
    <div class="actions">
      ${
        // A setup refusal: no photo and no retry can help, only the way back.
        error.setup
          ? html`<button part="dismiss" class="button secondary" type="button" data-autofocus @click=${onClose}>${s.close}</button>`
          : html`<button part="pick-another" class="button secondary" type="button" ?data-autofocus=${!canRetry} @click=${onPickAnother}>
                ${s.pickAnother}
              </button>
              ${
                canRetry
                  ? html`<button
                      part="retry"
                      class="button primary"
                      type="button"
                      aria-disabled=${checking ? 'true' : nothing}
                      data-autofocus
                      @click=${onRetry}
                    >
                      ${checking ? s.checkingBrowser : s.retry}
                    </button>`
                  : nothing
              }`
      }
    </div>
  `;
}
