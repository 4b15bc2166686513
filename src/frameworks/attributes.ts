/**
 * The attributes and properties of <try-on-button> as framework typings see them, written once
 * for React and Vue so the two cannot drift from the element (the element's JSDoc `@attr` list
 * is the source; test/docs/readme.test.ts keeps the README in step with it).
 */
import type { Category } from '../protocol.ts';
import type { TryOnStrings, TryOnVariant } from '../element/define.ts';

/** Garment categories the endpoint accepts. */
export type TryOnCategory = Category;

export interface TryOnButtonAttributes {
  /** Base URL of the try-on endpoint. */
  endpoint: string;
  /** Garment image URL (relative URLs resolve against the page). */
  garment?: string;
  category: TryOnCategory;
  product?: string;
  /** The product's name as the page shows it: restated in the desktop dialog. */
  'product-name'?: string;
  size?: string;
  /** The selected variant's label, shown on add to cart ("Navy / M"). */
  variant?: string;
  /** The selected variant's id, carried by try-on-add-to-cart. */
  'variant-id'?: string;
  /** Variants the result offers to try on in one tap: an array (property) or its JSON text. */
  variants?: readonly TryOnVariant[] | string;
  'consent-version'?: string;
  merchant?: string;
  'policy-url'?: string;
  /** One sentence on what the try-on service keeps of the photo, shown under the consent box. */
  retention?: string;
  /** Cloudflare Turnstile site key; the endpoint then needs TRYON_TURNSTILE_SECRET. */
  'turnstile-sitekey'?: string;
  lang?: string;
  /** Partial override of the widget's text; set as a property. */
  strings?: Partial<TryOnStrings>;
}
