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
    minify: true,
    sourcemap: true,
    // The polyfill is only injected into HTML entries, and there is none; the preload
    // helper for the lazy panel still resolves relative to the module.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      input: { 'try-on-button': fileURLToPath(new URL('./src/cdn.ts', import.meta.url)) },
      // Keep the entry a real module with its exports rather than a facade chunk.
      preserveEntrySignatures: 'strict',
      output: {
        format: 'es',
        entryFileNames: ENTRY_FILE,
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: 'chunks/[name]-[hash][extname]',
      },
    },
  },
  worker: {
    // The element creates the worker with { type: 'module' }.
    format: 'es',
    rolldownOptions: {
      output: {
        entryFileNames: 'chunks/[name]-[hash].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
  plugins: [bundleSizeReport({ entryFile: ENTRY_FILE, jsonPath: 'dist/bundle-size.json' })],
});
