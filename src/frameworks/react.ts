/**
 * `try-on-button/react`: JSX typings for <try-on-button> in React 19. Load them once, e.g.
 * `import type {} from 'try-on-button/react';` in your entry or `"types": ["try-on-button/react"]`
 * in tsconfig.json.
 *
 * React 19 passes a custom element's props as properties when the element has a property of that
 * name (so `strings` arrives as an object) and as attributes otherwise (`consent-version`,
 * `policy-url`); a prop `on<event-name>` with a function adds a listener for exactly that event.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { TryOnButton, TryOnEventMap } from '../element/define.ts';
import type { TryOnButtonAttributes } from './attributes.ts';

export type { TryOnCategory, TryOnButtonAttributes } from './attributes.ts';

/** `ontry-on-complete`, `ontry-on-error`, ...: each handler receives that event's CustomEvent. */
export type TryOnButtonEventProps = {
  [K in keyof TryOnEventMap as `on${K}`]?: (event: TryOnEventMap[K]) => void;
};

/** Props of `<try-on-button>` in JSX (`lang` comes from React's own HTML attributes). */
export interface TryOnButtonProps
  extends Omit<DetailedHTMLProps<HTMLAttributes<TryOnButton>, TryOnButton>, 'lang'>, TryOnButtonAttributes, TryOnButtonEventProps {}

declare module 'react' {
  // React declares its intrinsic elements in the JSX namespace; adding one means merging into it.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'try-on-button': TryOnButtonProps;
    }
  }
}
