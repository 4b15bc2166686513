/** What the consent box covers beyond its sentence: how long the photo is kept, and where. */
import { html, type TemplateResult } from 'lit/html.js';
import type { TryOnStrings } from '../strings.ts';

/**
 * The retention paragraph under the consent box (the box's `aria-describedby`). The endpoint's
 * own hour is stated by the widget because the widget's endpoint guarantees it (PHOTO_TTL_MS);
 * what the provider keeps is the merchant's to say (`retention`), else the policy is pointed to.
 */
export function renderConsentDetails(s: TryOnStrings, merchant: string, retention: string | undefined): TemplateResult {
  // The fallback merchant ("this shop") starts the sentence here.
  const kept = s.consentKept(merchant);
  return html`<p id="consent-details" class="consent-details">
    ${kept.charAt(0).toLocaleUpperCase() + kept.slice(1)} ${retention?.trim() || s.consentProviderRetention}
  </p>`;
}
