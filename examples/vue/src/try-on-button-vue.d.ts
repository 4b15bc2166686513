/**
 * Template typings for <try-on-button> in Vue 3 (checked by vue-tsc / Volar). Vue sets a bound
 * value as a property when the element has a property of that name (`:strings` arrives as an
 * object; `.prop` forces it), and `@try-on-complete` listens for exactly that event name.
 * The build must also tell Vue the tag is a custom element (compilerOptions.isCustomElement).
 */
import type { DefineComponent } from 'vue';
import type { TryOnEventMap, TryOnStrings } from 'try-on-button/define';

/** Garment categories (src/protocol.ts CATEGORIES). */
export type TryOnCategory = 'top' | 'bottom' | 'dress' | 'full' | 'outerwear' | 'shoes' | 'accessory';

export interface TryOnButtonVueProps {
  endpoint: string;
  garment?: string;
  category: TryOnCategory;
  product?: string;
  size?: string;
  'consent-version'?: string;
  merchant?: string;
  'policy-url'?: string;
  lang?: string;
  strings?: Partial<TryOnStrings>;
}

/** `@try-on-complete`, `@try-on-error`, ...: each handler receives that event's CustomEvent. */
export type TryOnButtonVueEmits = {
  [K in keyof TryOnEventMap]: (event: TryOnEventMap[K]) => void;
};

declare module 'vue' {
  interface GlobalComponents {
    'try-on-button': DefineComponent<TryOnButtonVueProps, {}, {}, {}, {}, {}, {}, TryOnButtonVueEmits>;
  }
}
