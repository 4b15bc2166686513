/**
 * What the panel and its controllers see of <try-on-button>: its settings, its shadow root, its
 * events and its update cycle. An interface rather than the class, so the lazily loaded panel
 * and the element's own parts depend on this small contract and never on try-on-button.ts,
 * which loads them (test/element/imports.test.ts keeps it so).
 */
import type { ReactiveControllerHost } from 'lit';
import type { TryOnEventDetails, TryOnEventName, TryOnVariant } from './events.ts';
import type { TryOnStatus } from './machine.ts';
import type { TryOnStrings } from './strings.ts';

/** The element's attributes as properties (documented on TryOnButton). */
export interface TryOnSettings {
  endpoint: string;
  garment: string | undefined;
  category: string;
  product: string | undefined;
  productName: string | undefined;
  size: string | undefined;
  /** The selected variant's label, shown on add to cart ("Navy / M"). */
  variant: string | undefined;
  /** The selected variant's id, for the page's cart. */
  variantId: string | undefined;
  /** Variants the result offers to try on: an array, or its JSON text (the attribute). */
  variants: readonly TryOnVariant[] | string | undefined;
  consentVersion: string;
  merchant: string | undefined;
  policyUrl: string | undefined;
  retention: string | undefined;
  turnstileSitekey: string | undefined;
  turnstileScript: string | undefined;
  /** The merchant's partial strings, merged over the locale in use. */
  strings: Partial<TryOnStrings> | undefined;
}

export interface TryOnHost extends HTMLElement, ReactiveControllerHost, TryOnSettings {
  /** The status the page sees (the panel's, or `idle` before it exists). */
  readonly status: TryOnStatus;
  /** The shadow root the button and the panel render into. */
  readonly renderRoot: ShadowRoot;
  /** The trigger: the panel gives focus back to it. */
  readonly buttonElement: HTMLButtonElement | null;
  /** Dispatches one of the element's typed events, bubbling and composed. */
  emit<K extends TryOnEventName>(name: K, detail: TryOnEventDetails[K]): boolean;
}
