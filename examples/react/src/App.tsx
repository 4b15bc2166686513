// Registers <try-on-button> before React renders it, so React sees its properties.
import 'try-on-button/define';
// The package's JSX typings for <try-on-button> (type-only: nothing is bundled).
import type {} from 'try-on-button/react';
import { useState } from 'react';
import type { TryOnStrings } from 'try-on-button/define';

const STRINGS: Record<'fr' | 'de', Partial<TryOnStrings>> = {
  fr: { button: 'Essayer', title: 'Essayage virtuel' },
  de: { button: 'Anprobieren', title: 'Virtuelle Anprobe' },
};

/** A product page fragment: the button, and what the page learns from its events. */
export function App() {
  const [lang, setLang] = useState<'fr' | 'de'>('fr');
  const [opened, setOpened] = useState(0);
  const [images, setImages] = useState<string[]>([]);
  const [error, setError] = useState('');

  return (
    <main>
      <h1>Linen camp shirt</h1>
      <try-on-button
        endpoint="/api/try-on"
        garment="/garments/linen-shirt.png"
        category="top"
        product="linen-shirt"
        consent-version="2026-11-react"
        lang={lang}
        strings={STRINGS[lang]}
        ontry-on-open={() => setOpened((count) => count + 1)}
        ontry-on-complete={(event) => setImages(event.detail.images)}
        ontry-on-error={(event) => setError(`${event.detail.code}: ${event.detail.message}`)}
      />
      <button type="button" id="switch-lang" onClick={() => setLang(lang === 'fr' ? 'de' : 'fr')}>
        {lang === 'fr' ? 'Deutsch' : 'Français'}
      </button>
      <p>
        Opened <output id="opened">{opened}</output> times. Result: <output id="images">{images.join(' ')}</output>{' '}
        <output id="error">{error}</output>
      </p>
    </main>
  );
}
