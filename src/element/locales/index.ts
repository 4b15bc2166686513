/**
 * Loads a locale's strings. Imported by the panel only. Every language, English included, is a
 * small chunk of its own fetched when a panel in that language first opens (the element starts
 * the fetch on intent, with the panel's code), so a shopper downloads exactly one of them.
 */
import type { Locale } from '../language.ts';
import type { TryOnStrings } from '../strings.ts';

// Literal specifiers, so bundlers split each locale into its own chunk.
const loaders: Record<Locale, () => Promise<{ default: TryOnStrings }>> = {
  en: () => import('./en.ts'),
  de: () => import('./de.ts'),
  fr: () => import('./fr.ts'),
  es: () => import('./es.ts'),
  ja: () => import('./ja.ts'),
};

const cache = new Map<Locale, Promise<TryOnStrings>>();

/**
 * The strings of `locale`. A failed load (a network blip) falls back to English, so the panel
 * still opens, and is forgotten, so the next opening tries again. Rejects only when English
 * itself could not be loaded.
 */
export function loadLocale(locale: Locale): Promise<TryOnStrings> {
  let pending = cache.get(locale);
  if (!pending) {
    pending = loaders[locale]()
      .then((module) => module.default)
      .catch((error: unknown) => {
        cache.delete(locale);
        if (locale === 'en') throw error;
        console.warn(`[try-on-button] the "${locale}" strings did not load; showing English.`, error);
        return loadLocale('en');
      });
    cache.set(locale, pending);
  }
  return pending;
}
