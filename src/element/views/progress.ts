/**
 * The processing view: what is being made (the shopper's photo and the garment), then one
 * progress: the four steps, the bar in step with them, and one line under it (the upload
 * percent, then the time left, or while the job waits in the provider account's line, its place
 * and wait). The stage's sentence is the bar's spoken value and the live region's, not a third
 * visible line repeating the current step.
 */
import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { ProgressStep } from '../progress-model.ts';
import type { ProgressTracker } from '../progress-tracker.ts';
import type { TryOnStrings } from '../strings.ts';

export const tick = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 12.5l4 4 8-9" /></svg>`;

function stepLabel(s: TryOnStrings, step: ProgressStep): string {
  return { preparing: s.stepPreparing, uploading: s.stepUploading, queued: s.stepQueued, generating: s.stepGenerating }[step];
}

export interface ProgressViewInput {
  strings: TryOnStrings;
  progress: ProgressTracker;
  /** What the stage line says (the panel's stage text, also announced). */
  stageText: string;
  previewUrl: string | undefined;
  /** The garment's image, when the element has one (a catalog product may not). */
  garment: string | undefined;
  onCancel: () => void;
}

export function renderProgress({ strings: s, progress, stageText, previewUrl, garment, onCancel }: ProgressViewInput): TemplateResult {
  const value = progress.value;
  const uploading = progress.stage === 'uploading' && s.uploadPercent(progress.uploadPercent);
  const remaining = progress.remaining;
  // While the job waits in the account's line, the estimate is the line's: its place and wait.
  const queue = progress.queue;
  const eta = queue
    ? s.inLine(queue.position, queue.seconds)
    : remaining && (remaining.kind === 'almost' ? s.almostDone : s.timeLeft(remaining.seconds));
  return html`
    ${
      previewUrl
        ? html`<figure class="preview working">
            <img src=${previewUrl} alt="" />${
              // A garment this browser cannot load (a host the page cannot reach): no broken picture.
              garment ? html`<img class="garment" src=${garment} alt="" @error=${(e: Event) => (e.target as Element).remove()} />` : nothing
            }
          </figure>`
        : nothing
    }
    <div part="progress" class="progress">
      <ol part="steps" class="steps" aria-label=${s.progressSteps}>
        ${progress.steps.map(
          ({ step, state }, index) =>
            html`<li class="step ${state}" data-step=${step} data-state=${state} aria-current=${state === 'current' ? 'step' : nothing}>
              <span class="step-mark" aria-hidden="true">${state === 'done' ? tick : index + 1}</span>
              <span class="step-label">${stepLabel(s, step)}</span>${
                state === 'done' ? html`<span class="visually-hidden">${s.stepDone}</span>` : nothing
              }
            </li>`,
        )}
      </ol>
      <div
        class="track"
        role="progressbar"
        aria-label=${s.title}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${value}
        aria-valuetext=${uploading || stageText}
      >
        <div class="fill" style="width: ${value}%"></div>
      </div>
      ${
        uploading
          ? html`<p class="stage">${uploading}</p>`
          : eta
            ? html`<p part="estimate" class="estimate" data-kind=${queue ? 'queue' : remaining!.kind}>${eta}</p>`
            : nothing
      }
      <div class="actions">
        <button part="cancel" class="button secondary" type="button" data-autofocus @click=${onCancel}>${s.cancel}</button>
      </div>
    </div>
  `;
}
