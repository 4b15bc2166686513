/// <reference types="mocha" />
/** Languages in the browser: which one the element picks, when its strings load, and overrides. */
import { expect } from 'chai';
import { forgetEverything } from '../../src/client/memory.ts';
import { resolveLocale } from '../../src/element/language.ts';
import { mount, openPanel, part, until } from './helpers.ts';

function stubLanguages(languages: string[]): () => void {
  Object.defineProperty(navigator, 'languages', { value: languages, configurable: true });
  return () => void delete (navigator as unknown as Record<string, unknown>).languages;
}

describe('<try-on-button> languages', function () {
  this.timeout(30_000);
  beforeEach(() => localStorage.setItem('try-on-button:guidance-seen', '1'));
  afterEach(async () => {
    document.body.replaceChildren();
    document.documentElement.lang = '';
    sessionStorage.clear();
    await forgetEverything();
  });

  it('picks the element lang, then the closest ancestor, then <html lang>, then the browser, then English', () => {
    const restore = stubLanguages(['ja-JP', 'en-US']);
    try {
      const outer = document.createElement('section');
      const el = document.createElement('try-on-button');
      outer.append(el);
      document.body.append(outer);
      expect(resolveLocale(el), 'browser').to.equal('ja');
      document.documentElement.lang = 'es-MX';
      expect(resolveLocale(el), '<html lang>').to.equal('es');
      outer.lang = 'fr-CA';
      expect(resolveLocale(el), 'ancestor').to.equal('fr');
      el.lang = 'de-AT';
      expect(resolveLocale(el), 'own lang').to.equal('de');
      el.lang = 'it'; // declared but not shipped: the shopper's browser language
      expect(resolveLocale(el)).to.equal('ja');
      restore();
      stubLanguages(['pt-BR']);
      expect(resolveLocale(el), 'nothing shipped').to.equal('en');
    } finally {
      restore();
    }
  });

  it('crosses shadow roots to find the page language', () => {
    const host = document.createElement('div');
    host.lang = 'de';
    const root = host.attachShadow({ mode: 'open' });
    const el = document.createElement('try-on-button');
    root.append(el);
    document.body.append(host);
    expect(resolveLocale(el)).to.equal('de');
  });

  it('labels the button in the page language before the panel loads, and opens the panel in it', async () => {
    document.documentElement.lang = 'de';
    const el = mount();
    await el.updateComplete;
    expect(part(el, 'button')!.textContent!.trim()).to.equal('Anprobieren');
    const panel = await openPanel(el);
    expect(el.shadowRoot!.getElementById('title')!.textContent).to.equal('Virtuelle Anprobe');
    expect(el.shadowRoot!.querySelector('.consent')!.textContent).to.contain('Ich bin einverstanden, dass Test Shop');
    expect(panel.hasAttribute('lang'), 'the page already says German').to.equal(false);
    // The German strings came as their own chunk, not inside the panel module.
    const loaded = performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname);
    expect(loaded.some((p) => p.endsWith('/src/element/locales/de.ts'))).to.equal(true);
  });

  it('follows a lang change on the element while open; the panel carries lang when the page says otherwise', async () => {
    document.documentElement.lang = 'en';
    const el = mount();
    await openPanel(el);
    el.setAttribute('lang', 'ja');
    await until(() => el.shadowRoot!.getElementById('title')!.textContent === 'バーチャル試着', 5000, 'Japanese title');
    expect(part(el, 'button')!.textContent!.trim()).to.equal('試着する');
    expect(part(el, 'close')!.getAttribute('aria-label')).to.equal('閉じる');
    el.removeAttribute('lang');
    await until(() => el.shadowRoot!.getElementById('title')!.textContent === 'Virtual try-on', 5000, 'back to English');

    // A French browser on a page declaring Italian: French text, marked as French for screen readers.
    const restore = stubLanguages(['fr-FR']);
    try {
      document.body.replaceChildren();
      document.documentElement.lang = 'it';
      const other = mount();
      const otherPanel = await openPanel(other);
      expect(other.shadowRoot!.getElementById('title')!.textContent).to.equal('Essayage virtuel');
      expect(otherPanel.getAttribute('lang')).to.equal('fr');
    } finally {
      restore();
    }
  });

  it('merchant strings override the locale key by key; the rest stays in the locale', async () => {
    const el = mount({ lang: 'fr' });
    el.strings = { title: 'Cabine d’essayage', errors: { default: 'Oups.' } };
    await openPanel(el);
    expect(el.shadowRoot!.getElementById('title')!.textContent).to.equal('Cabine d’essayage');
    expect(part(el, 'close')!.getAttribute('aria-label')).to.equal('Fermer');
    expect(part(el, 'button')!.textContent!.trim()).to.equal('Essayer');
  });
});
