/**
 * The panel's language: which shipped locale the element is in now (its `lang`, the page's, the
 * browser's), its strings with the merchant's `strings` merged over them, and a `lang` for the
 * panel when its text is not in the language the page declares.
 */
import type { ReactiveController } from 'lit';
import type { TryOnHost } from '../host.ts';
import { declaredLanguage, matchLocale, resolveLocale, type Locale } from '../language.ts';
import { loadLocale } from '../locales/index.ts';
import { mergeOver } from '../merge-strings.ts';
import type { TryOnStrings } from '../strings.ts';

/**
 * Starts loading the strings of the language `host` is in, so they arrive with the panel's code
 * rather than after the click. Called by the element on intent (hover, focus, touch).
 */
export function prefetchLocale(host: Element): void {
  loadLocale(resolveLocale(host)).catch(() => {
    // Reported when the panel opens, which tries again.
  });
}

export class LocaleController implements ReactiveController {
  readonly #host: TryOnHost;
  readonly #open: () => boolean;
  #locale: Locale = 'en';
  #strings: TryOnStrings | undefined;

  /** `open`: whether the panel is open, so a page switching language is followed. */
  constructor(host: TryOnHost, open: () => boolean) {
    this.#host = host;
    this.#open = open;
    host.addController(this);
  }

  /** The shipped locale the panel speaks. */
  get locale(): Locale {
    return this.#locale;
  }

  /** The panel's strings. Read only once `sync()` resolved (the panel opens after it). */
  get strings(): TryOnStrings {
    return mergeOver(this.#host.strings, this.#strings!);
  }

  /**
   * `lang` for the panel when its text is not in the language the page declares (a German
   * browser on an undeclared or Italian page), so screen readers pronounce it right. Merchant
   * strings are in the page's language by assumption, so they inherit it.
   */
  get lang(): Locale | undefined {
    if (this.#host.strings) return undefined;
    return matchLocale(declaredLanguage(this.#host)) === this.#locale ? undefined : this.#locale;
  }

  /**
   * Loads the strings of the language the element is in now. Rejects only when not even English
   * could be loaded (offline).
   */
  async sync(): Promise<void> {
    const locale = resolveLocale(this.#host);
    if (locale === this.#locale && this.#strings) return;
    const strings = await loadLocale(locale);
    // The page may have switched language again while this one loaded.
    if (resolveLocale(this.#host) !== locale) return;
    this.#locale = locale;
    this.#strings = strings;
    this.#host.requestUpdate();
  }

  hostUpdate(): void {
    // A page switching language (its own `lang`, or the element's) while the panel is open.
    if (this.#open() && resolveLocale(this.#host) !== this.#locale) this.sync().catch(() => {});
  }
}
