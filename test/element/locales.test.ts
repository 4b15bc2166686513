import { describe, expect, it } from 'vitest';
import { LOCALES, matchLocale, TRIGGER_LABELS, type Locale } from '../../src/element/language.ts';
import { defaultStrings, type TryOnStrings } from '../../src/element/strings.ts';
import { mergeOver } from '../../src/element/merge-strings.ts';
import de from '../../src/element/locales/de.ts';
import en from '../../src/element/locales/en.ts';
import es from '../../src/element/locales/es.ts';
import fr from '../../src/element/locales/fr.ts';
import ja from '../../src/element/locales/ja.ts';
import { loadLocale } from '../../src/element/locales/index.ts';

const locales: Record<Locale, TryOnStrings> = { en, de, fr, es, ja };
const translated = (['de', 'fr', 'es', 'ja'] as const).map((locale) => [locale, locales[locale]] as const);

const SAMPLE_ARGS: unknown[] = ['«MERCHANT»', 1, 5, 42, 90, 600, 'shoulders', 'knees', 'feet', undefined, 'M'];

/** Every leaf as [path, value]; functions are called with a marker so their text can be compared. */
function leaves(strings: object, prefix = ''): [string, string][] {
  return Object.entries(strings).flatMap(([key, value]): [string, string][] => {
    const path = prefix + key;
    // Every branch a function has: a name, counts (one, a few, over a minute), framings, no size.
    if (typeof value === 'function') {
      return SAMPLE_ARGS.map((arg): [string, string] => [`${path}(${String(arg)})`, String((value as (a: unknown) => string)(arg))]);
    }
    if (value && typeof value === 'object') return leaves(value as object, `${path}.`);
    return [[path, String(value)]];
  });
}

const english = new Map(leaves(defaultStrings));

// Words that read the same in both languages; anything else identical to English is a leftover.
const SAME_AS_ENGLISH: Record<string, ReadonlySet<string>> = { de: new Set(), fr: new Set(), es: new Set(), ja: new Set() };

describe('locales', () => {
  it('ships exactly en, de, fr, es and ja, and en is the built-in strings', () => {
    expect([...LOCALES].sort()).toEqual(['de', 'en', 'es', 'fr', 'ja']);
    expect(en).toBe(defaultStrings);
    expect(TRIGGER_LABELS.en).toEqual([en.button, en.badgeInProgress, en.badgeReady]);
  });

  describe.each(translated)('%s', (locale, strings) => {
    const own = new Map(leaves(strings));

    it('has every key English has (errors included), each of the same kind', () => {
      expect([...own.keys()].sort()).toEqual([...english.keys()].sort());
      for (const [key, value] of Object.entries(defaultStrings)) {
        expect(typeof strings[key as keyof TryOnStrings], key).toBe(typeof value);
      }
    });

    it('translates every string (no English left over, nothing empty)', () => {
      const leftovers = [...own].filter(([key, text]) => text === english.get(key) && !SAME_AS_ENGLISH[locale]!.has(key));
      expect(leftovers).toEqual([]);
      for (const [key, text] of own) expect(text.trim(), key).not.toBe('');
    });

    it('puts the merchant into the consent sentence', () => {
      expect(strings.consentLabel('Saltmarsh & Co.')).toContain('Saltmarsh & Co.');
      expect(strings.consentLabel(strings.fallbackMerchant)).toContain(strings.fallbackMerchant);
    });

    it('labels the button and its pending badge as the button bundle does (before the panel loads)', () => {
      expect(TRIGGER_LABELS[locale]).toEqual([strings.button, strings.badgeInProgress, strings.badgeReady]);
    });

    it('addresses the shopper formally', () => {
      const text = [...own.values()].join('\n');
      // Whole words only: \b is ASCII-only and would find "tes" in "êtes".
      const words = (list: string) => new RegExp(`(?<!\\p{L})(${list})(?!\\p{L})`, 'iu');
      const informal: Record<typeof locale, RegExp> = {
        de: words('du|dich|dir|dein|deine|deinen|deinem|deiner'),
        fr: words('tu|toi|ton|ta|tes'),
        es: words('tú|tu|tus|te|ti|puedes|quieres'),
        ja: /(だよ|してね|しよう|だね)/,
      };
      expect(text).not.toMatch(informal[locale]);
    });
  });

  it('English strings are ASCII-only apart from typographic punctuation (no pasted translation)', () => {
    for (const [key, text] of english) expect(text, key).toMatch(/^[\x20-\x7e…’‘“”›—–«»]*$/);
  });

  it('matches BCP 47 tags by primary language', () => {
    expect(matchLocale('de-CH')).toBe('de');
    expect(matchLocale('FR_ca')).toBe('fr');
    expect(matchLocale(' ja ')).toBe('ja');
    expect(matchLocale('es-419')).toBe('es');
    expect(matchLocale('pt-BR')).toBeUndefined();
    expect(matchLocale('')).toBeUndefined();
    expect(matchLocale(undefined)).toBeUndefined();
  });

  it('loads each locale module by name', async () => {
    for (const locale of LOCALES) expect(await loadLocale(locale)).toBe(locales[locale]);
  });

  it('merchant overrides apply over a locale, errors one level deeper, the rest stays translated', () => {
    const merged = mergeOver({ button: 'Jetzt anprobieren', errors: { default: 'Hoppla.' } }, de);
    expect(merged.button).toBe('Jetzt anprobieren');
    expect(merged.errors.default).toBe('Hoppla.');
    expect(merged.errors.rate_limited).toBe(de.errors.rate_limited);
    expect(merged.title).toBe(de.title);
    expect(mergeOver(undefined, de)).toBe(de);
  });
});
