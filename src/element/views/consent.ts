/** What the consent box covers, as facts a shopper scans: how long the photo is kept, and where to read more. */
import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { TryOnStrings } from '../strings.ts';

/**
 * The facts under the consent box (the box's `aria-describedby`), one short line each. The
 * endpoint's own hour is stated by the widget because the widget's endpoint guarantees it
 * (PHOTO_TTL_MS); what the provider keeps is the merchant's to say (`retention`), else the
 * policy is pointed to, and linked when the merchant gave its address.
 */
export function renderConsentDetails(
  s: TryOnStrings,
  merchant: string,
  retention: string | undefined,
  policyUrl: string | undefined,
): TemplateResult {
  // The fallback merchant ("this shop") starts the sentence here.
  const kept = s.consentKept(merchant);
  return html`<ul id="consent-details" class="consent-details">
    <li>${kept.charAt(0).toLocaleUpperCase() + kept.slice(1)}</li>
    <li>${retention?.trim() || s.consentProviderRetention}</li>
    ${policyUrl ? html`<li><a href=${policyUrl} target="_blank" rel="noopener">${s.privacyPolicy}</a></li>` : nothing}
  </ul>`;
}
