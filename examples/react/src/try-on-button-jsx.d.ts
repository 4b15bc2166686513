/**
 * JSX typings for <try-on-button> in React 19. React 19 passes a custom element's props as
 * properties when the element has a property of that name (so `strings` arrives as an object)
 * and as attributes otherwise (`consent-version`, `policy-url`); a prop `on<event-name>` with a
 * function adds an event listener for exactly that event name.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { TryOnButton, TryOnEventMap, TryOnStrings } from 'try-on-button/define';

/** Garment categories (src/protocol.ts CATEGORIES). */
export type TryOnCategory = 'top' | 'bottom' | 'dress' | 'full' | 'outerwear' | 'shoes' | 'accessory';

/** `ontry-on-complete`, `ontry-on-error`, ...: each handler receives that event's CustomEvent. */
export type TryOnButtonEventProps = {
  [K in keyof TryOnEventMap as `on${K}`]?: (event: TryOnEventMap[K]) => void;
};

export interface TryOnButtonProps
  extends DetailedHTMLProps<HTMLAttributes<TryOnButton>, TryOnButton>,
    TryOnButtonEventProps {
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
