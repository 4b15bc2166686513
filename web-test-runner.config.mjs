// Browser tests (*.browser.test.ts) in the three engines shoppers arrive with: Debian's Chromium,
// Firefox ESR (Gecko, through puppeteer over WebDriver BiDi) and WebKitGTK's MiniBrowser (WebKit,
// through WebKitWebDriver on a virtual display). TEST_ENGINES=chromium,firefox runs a subset.
import { chromeLauncher } from '@web/test-runner-chrome';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { tsImport } from 'tsx/esm/api';

// Paths and flags live in test/chromium.ts and test/engines.ts, shared with the end-to-end run and
// the benches. They are TypeScript: tsImport loads them whether or not this config already runs
// under tsx (plain `npx web-test-runner` does not).
const { CHROMIUM_PATH, chromiumArgs } = await tsImport('./test/chromium.ts', import.meta.url);
const { FIREFOX_PATH, FIREFOX_PREFS, selectedEngines, startWebKitDriver, webkitCapabilities } = await tsImport(
  './test/engines.ts',
  import.meta.url,
);
const { engineCommandsPlugin } = await tsImport('./test/engine-commands.ts', import.meta.url);

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

/**
 * WebKitGTK: @web/test-runner-webdriver talks to a WebKitWebDriver this launcher starts itself
 * (under xvfb-run, on a free loopback port) when the run begins and stops when it ends, so
 * `npm run test:browser` needs no driver or display set up beforehand.
 */
class WebKitLauncher extends WebdriverLauncher {
  constructor() {
    super({ hostname: '127.0.0.1', port: 0, path: '/', logLevel: 'error', capabilities: webkitCapabilities() });
  }
  async initialize(config, testFiles) {
    this.webkitDriver = await startWebKitDriver();
    this.options.port = this.webkitDriver.port;
    await super.initialize(config, testFiles);
    this.name = 'WebKit';
  }
  async stop() {
    await super.stop();
    await this.webkitDriver?.stop();
  }
}

const launchers = {
  chromium: () =>
    chromeLauncher({
      launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs({ camera: true }) },
    }),
  firefox: () =>
    puppeteerLauncher({
      launchOptions: { browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: FIREFOX_PREFS },
    }),
  webkit: () => new WebKitLauncher(),
};

export default {
  files: ['test/**/*.browser.test.ts'],
  hostname: '127.0.0.1',
  middleware: await endpointMiddleware(),
  nodeResolve: true,
  // One page at a time per engine: the photo tests are CPU-heavy and the machine has 2 cores.
  concurrency: 1,
  concurrentBrowsers: 1,
  testFramework: { config: { timeout: 20000 } },
  // Per test file, from its start: Gecko and WebKit run the photo suites several times slower
  // than Chromium, and other sessions share the machine.
  testsFinishTimeout: 600000,
  browserStartTimeout: 120000,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }), engineCommandsPlugin()],
  browsers: selectedEngines().map((engine) => launchers[engine]()),
};
