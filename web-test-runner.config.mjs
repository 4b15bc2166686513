// Browser tests (*.browser.test.ts) in Debian's Chromium: the element and the photo worker.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { tsImport } from 'tsx/esm/api';

// Chromium's path and flags live in test/chromium.ts, shared with every other Chromium run. It is
// TypeScript: tsImport loads it whether or not this config already runs under tsx (plain
// `npx web-test-runner` does not).
const { CHROMIUM_PATH, chromiumArgs } = await tsImport('./test/chromium.ts', import.meta.url);

// The element's tests talk to the real endpoint, mounted into the dev server. Loading it needs
// TypeScript support in Node (`npm run test:browser` runs under tsx); without it, or while the
// endpoint does not load, the other browser suites still run and the element's report why.
async function endpointMiddleware() {
  try {
    const { tryOnMiddleware } = await import('./test/element/dev-endpoint.ts');
    return [tryOnMiddleware()];
  } catch (error) {
    console.warn(`[wtr] try-on endpoint not mounted: ${error instanceof Error ? error.message : error}`);
    return [];
  }
}

export default {
  files: ['test/**/*.browser.test.ts'],
  hostname: '127.0.0.1',
  middleware: await endpointMiddleware(),
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 180000,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: chromiumArgs({ camera: true }),
      },
    }),
  ],
};
