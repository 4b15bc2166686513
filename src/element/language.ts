/**
 * Which of the shipped languages the widget speaks, decided from the page. Part of the button's
 * initial bundle, so it stays tiny: the locale modules themselves load with the panel.
 */

/** The languages shipped with the widget (primary language subtags). */
export type Locale = 'en' | 'de' | 'fr' | 'es' | 'ja';

export const LOCALES: readonly Locale[] = ['en', 'de', 'fr', 'es', 'ja'];

/**
 * What the trigger says in every shipped language: its label, and its pending badge while a
 * try-on of this tab is in progress or ready. Kept here rather than in the locale modules so
 * the button speaks the page's language before the panel's code has loaded; each is the same as
 * the locale's `button`, `badgeInProgress` and `badgeReady` (test/element/locales.test.ts).
 */
export const TRIGGER_LABELS: Readonly<Record<Locale, readonly [button: string, inProgress: string, ready: string]>> = {
  en: ['Try it on', 'In progress', 'Ready'],
  de: ['Anprobieren', 'Läuft', 'Fertig'],
  fr: ['Essayer', 'En cours', 'Prêt'],
  es: ['Probar', 'En curso', 'Lista'],
  ja: ['試着する', '処理中', '完成'],
};

/** The shipped locale for a BCP 47 tag (`de-CH` → `de`, `pt-BR` → undefined). */
export function matchLocale(tag: string | null | undefined): Locale | undefined {
  // String splits, not a regex: this runs in the button's first render, where compiling one costs.
  const primary = tag?.trim().toLowerCase().replace('_', '-').split('-')[0];
  return LOCALES.find((locale) => locale === primary);
}

/** The nearest declared `lang` from `el` up, crossing shadow roots; undefined when none is declared. */
export function declaredLanguage(el: Element): string | undefined {
  let node: Node | null = el;
  while (node) {
    // lang="" means "unknown": keep looking outward rather than giving up.
    const lang = node instanceof Element ? node.getAttribute('lang') : null;
    if (lang) return lang;
    node = node instanceof ShadowRoot ? node.host : node.parentNode;
  }
  return undefined;
}

/**
 * The language for `el`'s text: its own `lang` attribute, else the closest ancestor's (up to
 * `<html lang>`), else the shopper's browser languages; English when none of them is shipped.
 * A page declaring a language the widget does not ship (say `it`) gets the shopper's browser
 * language if that is shipped, else English.
 */
export function resolveLocale(el: Element): Locale {
  // The browser's languages are read only when the page declares none that is shipped.
  const declared = matchLocale(declaredLanguage(el));
  if (declared) return declared;
  const browser = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const tag of browser) {
    const locale = matchLocale(tag);
    if (locale) return locale;
  }
  return 'en';
}
