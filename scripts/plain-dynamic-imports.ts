/**
 * Vite plugin: replaces Vite's preload helper with a plain call of the import.
 *
 * Vite wraps every dynamic `import()` of an app build in `__vitePreload(load, deps)`, which
 * preloads the chunk's static dependencies and CSS and fires `vite:preloadError` on the page.
 * This build sets `modulePreload: false` and ships no CSS files, so `deps` is always empty and
 * the helper (0.8 KB gzip, on every product page) would only add that event: on a merchant's own
 * Vite storefront, whose handler typically reloads the page, a failed widget chunk must not.
 */
import type { Plugin } from 'vite';

const PRELOAD_HELPER_ID = '\0vite/preload-helper.js';

export function plainDynamicImports(): Plugin {
  return {
    name: 'try-on-button:plain-dynamic-imports',
    apply: 'build',
    enforce: 'pre',
    load(id) {
      if (id !== PRELOAD_HELPER_ID) return undefined;
      return 'export const __vitePreload = (load) => load();';
    },
    generateBundle(_options, bundle) {
      // The premise above: if CSS files ever appear, the helper's preloading matters again.
      const css = Object.keys(bundle).filter((name) => name.endsWith('.css'));
      if (css.length) this.error(`plain-dynamic-imports assumes no CSS files, but the build emits ${css.join(', ')}.`);
    },
  };
}
