import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [
    vue({
      // Leave <try-on-button> to the browser instead of resolving it as a Vue component.
      template: { compilerOptions: { isCustomElement: (tag) => tag === 'try-on-button' } },
    }),
  ],
  resolve: {
    // The package's registration entry; inside this repository it points at the source.
    alias: { 'try-on-button/define': fileURLToPath(new URL('../../src/element/define.ts', import.meta.url)) },
  },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
});
