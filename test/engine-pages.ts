/**
 * One page in each of the three engines, driven the same way by the end-to-end engine run and
 * the photo bench: Chromium through playwright-core (with CDP throttling for the bench), Firefox
 * ESR through puppeteer (WebDriver BiDi), WebKitGTK's MiniBrowser through webdriverio and
 * WebKitWebDriver. Paths and flags come from test/chromium.ts and test/engines.ts, as for the
 * browser tests. Steps run as scripts in the page, so one script serves all three drivers.
 */
import puppeteer from 'puppeteer';
import { remote } from 'webdriverio';
import { throttle } from '../bench/lib/chromium.ts';
import { launchChromium } from './chromium.ts';
import { FIREFOX_PATH, FIREFOX_PREFS, startWebKitDriver, webkitCapabilities, type Engine } from './engines.ts';

export interface EnginePage {
  engine: Engine;
  /** The browser's own version string, for the report. */
  version: string;
  goto(url: string): Promise<void>;
  /** Evaluates `expression` in the page (a promise is awaited) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Sets the viewport, in CSS px. */
  setViewport(width: number, height: number): Promise<void>;
  /** Saves a PNG of the viewport at `path`. */
  screenshot(path: string): Promise<void>;
  /** Sets a CPU slowdown; only Chromium can (CDP). */
  throttle?(rate: number): Promise<void>;
  close(): Promise<void>;
}

async function chromiumPage(): Promise<EnginePage> {
  const browser = await launchChromium({ camera: true });
  const page = await browser.newPage();
  return {
    engine: 'chromium',
    version: `Chromium ${browser.version()}`,
    goto: async (url) => void (await page.goto(url)),
    evaluate: (expression) => page.evaluate(expression),
    setViewport: (width, height) => page.setViewportSize({ width, height }),
    screenshot: async (path) => void (await page.screenshot({ path })),
    throttle: (rate) => throttle(page, rate),
    close: () => browser.close(),
  };
}

async function firefoxPage(): Promise<EnginePage> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: { ...FIREFOX_PREFS },
  });
  const page = await browser.newPage();
  return {
    engine: 'firefox',
    version: (await browser.version()).replace(/^firefox\//i, 'Firefox '),
    goto: async (url) => void (await page.goto(url)),
    evaluate: (expression) => page.evaluate(expression) as Promise<never>,
    setViewport: (width, height) => page.setViewport({ width, height }),
    screenshot: async (path) => void (await page.screenshot({ path: path as `${string}.png` })),
    close: () => browser.close(),
  };
}

async function webkitPage(): Promise<EnginePage> {
  const driver = await startWebKitDriver();
  try {
    const browser = await remote({
      hostname: '127.0.0.1',
      port: driver.port,
      path: '/',
      logLevel: 'error',
      capabilities: webkitCapabilities() as never,
    });
    await browser.setTimeout({ script: 600_000 });
    const version = (browser.capabilities as { browserVersion?: string }).browserVersion;
    return {
      engine: 'webkit',
      version: `WebKitGTK ${version ?? '?'} (MiniBrowser)`,
      goto: (url) => browser.url(url).then(() => undefined),
      // Classic WebDriver awaits a returned promise (Execute Script).
      evaluate: (expression) => browser.execute(`return (${expression});`) as Promise<never>,
      // MiniBrowser runs full-screen (no toolbar, test/engines.ts): the window is the viewport.
      setViewport: (width, height) => browser.setWindowSize(width, height),
      screenshot: async (path) => void (await browser.saveScreenshot(path)),
      close: async () => {
        await browser.deleteSession().catch(() => {});
        await driver.stop();
      },
    };
  } catch (error) {
    await driver.stop();
    throw error;
  }
}

/** Opens a page in `engine`. */
export function openEnginePage(engine: Engine): Promise<EnginePage> {
  return engine === 'chromium' ? chromiumPage() : engine === 'firefox' ? firefoxPage() : webkitPage();
}

/** Resolves once the page's title is `title` (the bench pages set it when ready). */
export async function waitForTitle(page: EnginePage, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await page.evaluate<string>('document.title')) !== title) {
    if (Date.now() > deadline) throw new Error(`${page.engine}: the page never became "${title}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
