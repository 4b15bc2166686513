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
import type { Category } from '../protocol.ts';
import type { TryOnButton, TryOnEventMap, TryOnStrings } from '../element/define.ts';

/** Garment categories the endpoint accepts. */
export type TryOnCategory = Category;

/** `ontry-on-complete`, `ontry-on-error`, ...: each handler receives that event's CustomEvent. */
export type TryOnButtonEventProps = {
  [K in keyof TryOnEventMap as `on${K}`]?: (event: TryOnEventMap[K]) => void;
};

/** Props of `<try-on-button>` in JSX. */
export interface TryOnButtonProps extends DetailedHTMLProps<HTMLAttributes<TryOnButton>, TryOnButton>, TryOnButtonEventProps {
  /** Base URL of the try-on endpoint. */
  endpoint: string;
  /** Garment image URL (relative URLs resolve against the page). */
  garment?: string;
  category: TryOnCategory;
  product?: string;
  size?: string;
  'consent-version'?: string;
  merchant?: string;
  'policy-url'?: string;
  /** Partial override of the widget's text; set as a property. */
  strings?: Partial<TryOnStrings>;
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'try-on-button': TryOnButtonProps;
    }
  }
}
