/**
 * Registers <try-on-button>. The one module with a side effect: import it (or load it with a
 * script tag) once; importing the class elsewhere does not register anything.
 */
import { TryOnButton } from './try-on-button.ts';

if (!customElements.get('try-on-button')) customElements.define('try-on-button', TryOnButton);

export { TryOnButton };
export type { TryOnEventDetails, TryOnEventMap, TryOnEventName, TryOnStage, TryOnVariant } from './events.ts';
export { TRY_ON_EVENT_NAMES } from './events.ts';
export { LOCALES, type Locale } from './language.ts';
export type { TryOnStatus } from './machine.ts';
export type { TryOnStrings } from './strings.ts';
