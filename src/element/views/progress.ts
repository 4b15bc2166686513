/** The processing view: four steps, the bar, the current stage with upload percent and time left, cancel. */
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
  onCancel: () => void;
}

export function renderProgress({ strings: s, progress, stageText, previewUrl, onCancel }: ProgressViewInput): TemplateResult {
  const value = progress.value;
  const uploading = progress.stage === 'uploading';
  const line = uploading ? s.uploadPercent(progress.uploadPercent) : stageText;
  const remaining = progress.remaining;
  const eta = remaining === undefined ? undefined : remaining.kind === 'almost' ? s.almostDone : s.timeLeft(remaining.seconds);
  return html`
    ${previewUrl ? html`<figure class="preview working"><img src=${previewUrl} alt="" /></figure>` : nothing}
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
        aria-valuetext=${line}
      >
        <div class="fill" style="width: ${value}%"></div>
      </div>
      <div class="stage-line">
        <p class="stage">${line}</p>
        ${eta ? html`<p part="estimate" class="estimate" data-kind=${remaining!.kind}>${eta}</p>` : nothing}
      </div>
      <div class="actions">
        <button part="cancel" class="button secondary" type="button" data-autofocus @click=${onCancel}>${s.cancel}</button>
      </div>
    </div>
  `;
}
