/**
 * The widget build for a script tag: `dist/cdn/try-on-button.js` (an ES module) plus its
 * lazily imported chunks and the photo worker, all hashed except the entry so merchants
 * can paste one stable URL while everything it loads can be cached forever.
 *
 * Not library mode: that inlines workers as data URLs. A normal build with an explicit
 * input keeps the worker as its own file and code-splits the panel.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { bundleSizeReport } from './scripts/bundle-size.ts';
import { minifyTemplateLiterals } from './scripts/minify-templates.ts';
import { plainDynamicImports } from './scripts/plain-dynamic-imports.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const ENTRY_FILE = 'try-on-button.js';

export default defineConfig({
  root,
  // Relative base: chunk and worker URLs resolve against import.meta.url, so the bundle
  // works from whatever path or CDN host the merchant serves it from.
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist/cdn',
    emptyOutDir: true,
    assetsDir: 'chunks',
    target: 'es2022',
    // Two minifiers in a row: Vite runs Terser (three compress passes) on each chunk, then
    // Rolldown's own oxc minifier (`output.minify` below) on the result. Over one shopper's files
    // that is 1.2 KB gzip less than oxc alone and 0.5 KB less than Terser alone. Property
    // mangling and the `unsafe_*`/`pure_getters` options were measured too and left out: they
    // gain under 0.2 KB and can break Lit's `_$` protocol or reads made for their side effects.
    minify: 'terser',
    terserOptions: { module: true, ecma: 2020, compress: { passes: 3 } },
    // Maps for debugging, without the `//# sourceMappingURL` comment in every file: the npm
    // package ships no maps, so the comment would only point the browser at a missing file.
    sourcemap: 'hidden',
    // Nothing to preload: the lazy chunks import only what the entry already loaded, and there
    // is no CSS file (styles live in the modules). See scripts/plain-dynamic-imports.ts.
    modulePreload: false,
    reportCompressedSize: false,
    rolldownOptions: {
      input: { 'try-on-button': fileURLToPath(new URL('./src/cdn.ts', import.meta.url)) },
      // Keep the entry a real module with its exports rather than a facade chunk.
      preserveEntrySignatures: 'strict',
      output: {
        format: 'es',
        // The oxc pass after Terser (see `minify` above).
        minify: true,
        entryFileNames: ENTRY_FILE,
        // The chunk the entry shares with the panel is named after its first module, which is
        // now the one-line preload stand-in: call it what it is.
        chunkFileNames: (chunk) => (chunk.name === 'preload-helper' ? 'chunks/loader-shared-[hash].js' : 'chunks/[name]-[hash].js'),
        assetFileNames: 'chunks/[name]-[hash][extname]',
      },
    },
  },
  worker: {
    // The element creates the worker with { type: 'module' }.
    format: 'es',
    rolldownOptions: {
      output: {
        // Vite gives the worker Terser but no minifier of Rolldown's own: add the oxc pass here too.
        minify: true,
        // As in the main build, which keeps no comments: the worker kept comlink's licence header
        // and nine `@__PURE__` marks, meant for a bundler that never sees this file again.
        comments: false,
        entryFileNames: 'chunks/[name]-[hash].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
  plugins: [
    plainDynamicImports(),
    minifyTemplateLiterals(),
    bundleSizeReport({ entryFile: ENTRY_FILE, jsonPath: 'dist/bundle-size.json' }),
  ],
});
