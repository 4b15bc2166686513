/**
 * Loads a locale's strings. Imported by the panel only: English ships inside the panel chunk
 * (it is the fallback for every key), the other languages are one small chunk each, fetched
 * when a panel in that language first opens.
 */
import type { Locale } from '../language.ts';
import { defaultStrings, type TryOnStrings } from '../strings.ts';

// Literal specifiers, so bundlers split each locale into its own chunk.
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ default: TryOnStrings }>> = {
  de: () => import('./de.ts'),
  fr: () => import('./fr.ts'),
  es: () => import('./es.ts'),
  ja: () => import('./ja.ts'),
};

const cache = new Map<Locale, Promise<TryOnStrings>>([['en', Promise.resolve(defaultStrings)]]);

/**
 * The strings of `locale`. A failed load (a network blip) resolves to English, so the panel
 * still opens, and is forgotten, so the next opening tries again.
 */
export function loadLocale(locale: Locale): Promise<TryOnStrings> {
  let pending = cache.get(locale);
  if (!pending) {
    const load = loaders[locale as Exclude<Locale, 'en'>];
    pending = load()
      .then((module) => module.default)
      .catch((error: unknown) => {
        cache.delete(locale);
        console.warn(`[try-on-button] the "${locale}" strings did not load; showing English.`, error);
        return defaultStrings;
      });
    cache.set(locale, pending);
  }
  return pending;
}
