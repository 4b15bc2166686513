/**
 * The capture step (statuses `consent` and `capture`): consent, the picker with the one-time
 * photo guidance under it, the live camera or why it is unavailable, the chosen photo with its on-device check
 * hints, and the drop target. Functions of the state the panel passes in.
 */
import { html, nothing, svg, type TemplateResult } from 'lit/html.js';
import type { PhotoCheck } from '../../worker/index.ts';
import type { CameraFailure, CameraState, CameraView } from '../controllers/camera.ts';
import type { Framing, TryOnStrings } from '../strings.ts';
import { renderConsentDetails } from './consent.ts';
import { icons } from './icons.ts';

/** How much of the body the photo should show for a garment category. */
export function framingFor(category: string): Framing {
  if (category === 'accessory') return 'shoulders';
  if (category === 'top' || category === 'outerwear') return 'knees';
  return 'feet';
}

const stroke = (body: TemplateResult) => html`<svg class="tip-art" viewBox="0 0 48 48" aria-hidden="true">${body}</svg>`;

// Small drawings, one per tip: they carry the idea for a shopper who skims.
const art = {
  knees: stroke(
    svg`<rect x="10" y="4" width="28" height="40" rx="3" stroke-dasharray="3 3"/><circle cx="24" cy="12" r="4"/><path d="M17 36V22a4 4 0 0 1 4-4h6a4 4 0 0 1 4 4v14M21 36v8M27 36v8"/>`,
  ),
  feet: stroke(
    svg`<rect x="10" y="2" width="28" height="44" rx="3" stroke-dasharray="3 3"/><circle cx="24" cy="9" r="3.5"/><path d="M18 30V18a3.5 3.5 0 0 1 3.5-3.5h5A3.5 3.5 0 0 1 30 18v12M21 30v12h-3M27 30v12h3"/>`,
  ),
  shoulders: stroke(
    svg`<rect x="8" y="6" width="32" height="36" rx="3" stroke-dasharray="3 3"/><circle cx="24" cy="20" r="7"/><path d="M12 42c1-7 6-11 12-11s11 4 12 11"/>`,
  ),
  light: stroke(
    svg`<circle cx="24" cy="24" r="7"/><path d="M24 6v5M24 37v5M6 24h5M37 24h5M11.3 11.3l3.5 3.5M33.2 33.2l3.5 3.5M11.3 36.7l3.5-3.5M33.2 14.8l3.5-3.5"/>`,
  ),
  background: stroke(
    svg`<rect x="6" y="6" width="36" height="36" rx="3"/><circle cx="24" cy="17" r="4"/><path d="M16 42V30a5 5 0 0 1 5-5h6a5 5 0 0 1 5 5v12"/>`,
  ),
  fit: stroke(svg`<path d="M17 8l-8 6 4 7 4-2v21h14V19l4 2 4-7-8-6c-1 3-4 5-7 5s-6-2-7-5z"/>`),
};

/** One-time guidance shown above the picker until dismissed or a photo is chosen. */
export function renderGuidance(s: TryOnStrings, category: string, onDone: () => void): TemplateResult {
  const framing = framingFor(category);
  const tips: [TemplateResult, string][] = [
    [art[framing], s.guidanceFraming(framing)],
    [art.light, s.guidanceLight],
    [art.background, s.guidanceBackground],
    [art.fit, s.guidanceFit],
  ];
  return html`<section part="guidance" class="guidance" aria-labelledby="guidance-title">
    <h3 id="guidance-title">${s.guidanceTitle}</h3>
    <ul>
      ${tips.map(([drawing, text]) => html`<li>${drawing}<span>${text}</span></li>`)}
    </ul>
    <button part="guidance-done" class="text-button" type="button" @click=${onDone}>${s.guidanceDone}</button>
  </section>`;
}

const switchIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M4 8.5A1.5 1.5 0 0 1 5.5 7h2l1.5-2h6l1.5 2h2A1.5 1.5 0 0 1 20 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 4 17.5z" />
  <path d="M9 12.5a3 3 0 0 1 5.2-2M15 12.5a3 3 0 0 1-5.2 2M14.5 9v2h-2M9.5 16v-2h2" />
</svg>`;

/** The live preview (mirrored, like a mirror) with capture, switch and back. */
export function renderCamera(s: TryOnStrings, view: CameraView): TemplateResult {
  return html`<div part="camera" class="camera ${view.starting ? 'starting' : ''}">
      <video
        .srcObject=${view.stream}
        @loadedmetadata=${view.onReady}
        class="camera-video ${view.mirrored ? 'mirrored' : ''}"
        autoplay
        muted
        playsinline
        aria-label=${s.cameraPreview}
      ></video>
      ${view.starting ? html`<p class="camera-status" role="status">${s.cameraStarting}</p>` : nothing}
    </div>
    <div class="actions camera-actions">
      <button part="camera-back" class="button secondary" type="button" @click=${view.onBack}>${s.cameraBack}</button>
      ${
        view.canSwitch
          ? html`<button
              part="switch-camera"
              class="button secondary icon-only"
              type="button"
              aria-label=${s.switchCamera}
              title=${s.switchCamera}
              ?disabled=${view.starting}
              @click=${view.onSwitch}
            >
              ${switchIcon}
            </button>`
          : nothing
      }
      <button part="capture" class="button primary" type="button" data-autofocus ?disabled=${view.starting} @click=${view.onCapture}>
        ${s.capture}
      </button>
    </div>`;
}

/** Why the live camera is not shown; the picker is right below. */
export function renderCameraProblem(s: TryOnStrings, reason: CameraFailure): TemplateResult {
  const text = { denied: s.cameraDenied, none: s.cameraNone, in_use: s.cameraInUse, unsupported: s.cameraUnsupported }[reason];
  return html`<p part="camera-message" class="notice" role="alert" data-reason=${reason}>${text}</p>`;
}

/** Fix-it hints for the on-device checks; the submit button then reads "Use anyway". */
export function renderPhotoChecks(s: TryOnStrings, checks: readonly PhotoCheck[]): TemplateResult | typeof nothing {
  if (!checks.length) return nothing;
  return html`<div part="photo-checks" class="checks" role="status">
    <p class="checks-title">${s.checksTitle}</p>
    <ul>
      ${checks.map((check) => html`<li data-check=${check.code}>${s.checkHints[check.code]}</li>`)}
    </ul>
  </div>`;
}

/** The overlay shown while a file is dragged over the panel. */
export function renderDropTarget(s: TryOnStrings, visible: boolean): TemplateResult | typeof nothing {
  if (!visible) return nothing;
  return html`<div part="drop-target" class="drop-target" aria-hidden="true"><span>${s.dropHere}</span></div>`;
}

/** Everything the capture step shows, and what its controls do. */
export interface CaptureView {
  consented: boolean;
  merchant: string | undefined;
  policyUrl: string | undefined;
  retention: string | undefined;
  category: string;
  /** The live camera (controllers/camera.ts). */
  camera: { readonly state: CameraState; readonly problem: CameraFailure | undefined; view(): CameraView };
  /** The chosen photo (controllers/photo.ts). */
  photo: {
    readonly previewUrl: string | undefined;
    /** The chosen photo is the one saved on this device. */
    readonly fromMemory: boolean;
    /** The photo came from the live camera: "Retake" opens it again. */
    readonly retaking: boolean;
    readonly checks: readonly PhotoCheck[];
    readonly showGuidance: boolean;
    readonly dismissGuidance: () => void;
  };
  /** The security check is earning its token before the submit can go. */
  checking: boolean;
  /** "Remember my photo" or "Delete my photo", and the earlier results (views/memory.ts). */
  memory: TemplateResult | typeof nothing;
  onConsent: (event: Event) => void;
  onChoose: () => void;
  onTakePhoto: () => void;
  onChangePhoto: () => void;
  onSubmit: () => void;
}

export function renderCapture(s: TryOnStrings, view: CaptureView): TemplateResult {
  const { consented, checking, camera, photo } = view;
  const { previewUrl, checks, fromMemory, retaking } = photo;
  const merchant = view.merchant || s.fallbackMerchant;
  const hasCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  // Why the live camera is unavailable, above the photo area.
  const notes = consented && camera.state === 'off' && camera.problem ? renderCameraProblem(s, camera.problem) : nothing;
  // Once a photo is chosen the shopper has read and agreed: the box stays (to withdraw), the rest goes.
  return html`
    ${previewUrl ? nothing : html`<p class="intro">${s.intro}</p>`}
    <label class="consent">
      <input
        part="consent-checkbox"
        type="checkbox"
        aria-describedby=${consented || previewUrl ? nothing : 'consent-details'}
        .checked=${consented}
        ?data-autofocus=${!consented}
        @change=${view.onConsent}
      />
      <span>${s.consentLabel(merchant)}</span>
    </label>
    ${previewUrl ? nothing : renderConsentDetails(s, merchant, view.retention, view.policyUrl)} ${notes}
    ${
      camera.state !== 'off'
        ? renderCamera(s, camera.view())
        : previewUrl
          ? html`<figure class="preview">
                <img part="preview" src=${previewUrl} alt=${s.previewAlt} />
                ${fromMemory ? html`<figcaption class="saved-caption">${s.savedPhotoCaption}</figcaption>` : nothing}
              </figure>
              ${renderPhotoChecks(s, checks)} ${view.memory}
              <div class="actions">
                <button
                  part=${retaking ? 'retake' : 'change-photo'}
                  class="button secondary"
                  type="button"
                  ?disabled=${!consented}
                  @click=${view.onChangePhoto}
                >
                  ${fromMemory ? s.useAnotherPhoto : retaking ? s.retake : s.changePhoto}
                </button>
                <button
                  part="submit"
                  class="button primary"
                  type="button"
                  ?disabled=${!consented}
                  aria-disabled=${checking ? 'true' : nothing}
                  ?data-autofocus=${consented}
                  @click=${view.onSubmit}
                >
                  ${checking ? s.checkingBrowser : fromMemory ? s.useSavedPhoto : checks.length ? s.useAnyway : s.submit}
                </button>
              </div>`
          : html`<div class="picker ${consented ? '' : 'locked'}">
                <button
                  part="choose"
                  class="button primary wide"
                  type="button"
                  ?disabled=${!consented}
                  ?data-autofocus=${consented}
                  @click=${view.onChoose}
                >
                  ${icons.photo}<span>${s.choosePhoto}</span>
                </button>
                <button
                  part="take-photo"
                  class="button secondary wide"
                  type="button"
                  ?hidden=${!hasCamera}
                  ?disabled=${!consented}
                  @click=${view.onTakePhoto}
                >
                  ${icons.camera}<span>${s.camera}</span>
                </button>
                ${
                  // Below the buttons, so ticking the box moves nothing; the tips card or its one-line summary, not both.
                  !consented
                    ? html`<p class="hint">${s.consentNeeded}</p>`
                    : photo.showGuidance
                      ? renderGuidance(s, view.category, photo.dismissGuidance)
                      : html`<p class="hint">${s.photoTips}</p>
                          <p class="hint drop-hint">${s.dropOrPaste}</p>`
                }
              </div>
              ${view.memory}`
    }
  `;
}
