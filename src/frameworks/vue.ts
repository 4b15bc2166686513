/**
 * `try-on-button/vue`: template typings for <try-on-button> in Vue 3 (vue-tsc, Volar). Load them
 * once, e.g. `import type {} from 'try-on-button/vue';` in your entry or
 * `"types": ["try-on-button/vue"]` in tsconfig.json.
 *
 * Vue sets a bound value as a property when the element has a property of that name (`:strings`
 * arrives as an object; `.prop` forces it), and `@try-on-complete` listens for exactly that event
 * name. The build must also tell Vue the tag is a custom element (compilerOptions.isCustomElement).
 */
import type { DefineComponent } from 'vue';
import type { TryOnEventMap } from '../element/define.ts';
import type { TryOnButtonAttributes } from './attributes.ts';

export type { TryOnCategory, TryOnButtonAttributes } from './attributes.ts';

/** Props of `<try-on-button>` in templates. */
export type TryOnButtonVueProps = TryOnButtonAttributes;

/** `@try-on-complete`, `@try-on-error`, ...: each handler receives that event's CustomEvent. */
export type TryOnButtonVueEmits = {
  [K in keyof TryOnEventMap]: (event: TryOnEventMap[K]) => void;
};

declare module 'vue' {
  interface GlobalComponents {
    // Vue's own defaults for the parameters before Emits (bindings, data, computed, methods, mixins,
    // extends), spelled out to reach the eighth.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    'try-on-button': DefineComponent<TryOnButtonVueProps, {}, {}, {}, {}, {}, {}, TryOnButtonVueEmits>;
  }
}
