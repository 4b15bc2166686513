import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `try-on-button/define` is the package's registration entry; inside this repository it points
// at the source, so the example builds without publishing anything.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  resolve: {
    alias: { 'try-on-button/define': fileURLToPath(new URL('../../src/element/define.ts', import.meta.url)) },
  },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
});
