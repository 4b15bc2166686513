/**
 * Server commands of the browser suites that @web/test-runner-commands offers only through CDP or
 * Playwright: the viewport, key chords (Shift+Tab) and prefers-reduced-motion, in all three engines. The browser side is
 * test/browser-engine.ts. Chromium and Firefox run through puppeteer (CDP and WebDriver BiDi),
 * WebKitGTK through classic WebDriver (webdriverio).
 */
interface Viewport {
  width: number;
  height: number;
}

interface PuppeteerPage {
  keyboard: { down(key: string): Promise<void>; up(key: string): Promise<void>; press(key: string): Promise<void> };
  setViewport(viewport: Viewport): Promise<void>;
  emulateMediaFeatures(features: { name: string; value: string }[]): Promise<void>;
}

interface WebdriverBrowser {
  performActions(actions: unknown[]): Promise<void>;
  releaseActions(): Promise<void>;
  setWindowSize(width: number, height: number): Promise<unknown>;
  execute<T>(script: string): Promise<T>;
}

interface Launcher {
  type: string;
  name: string;
  getPage?(sessionId: string): PuppeteerPage;
  driver?: WebdriverBrowser;
}

interface CommandContext {
  command: string;
  payload: unknown;
  session: { id: string; browser: Launcher };
}

/** What the browser side gets back from `engine-reduced-motion`. */
export interface MediaEmulation {
  emulated: boolean;
  /** Why not, naming the missing API, when `emulated` is false. */
  reason?: string;
}

// WebDriver's code points for the keys a chord may hold (WebDriver spec, "Keyboard actions").
const WEBDRIVER_KEYS: Record<string, string> = {
  Shift: '\uE008',
  Control: '\uE009',
  Alt: '\uE00A',
  Meta: '\uE03D',
  Tab: '\uE004',
  Enter: '\uE007',
  Escape: '\uE00C',
  Space: '\uE00D',
};

/**
 * Presses `keys` together: every key but the last held down, the last pressed, then all
 * released. @web/test-runner-commands' sendKeys has no down/up over WebDriver, which Shift+Tab needs.
 */
async function pressChord(browser: Launcher, sessionId: string, keys: string[]): Promise<void> {
  const unknown = keys.filter((key) => !(key in WEBDRIVER_KEYS));
  if (keys.length === 0 || unknown.length > 0)
    throw new Error(`engine-chord knows ${Object.keys(WEBDRIVER_KEYS).join(', ')}; got ${keys.join('+')}.`);
  if (browser.type === 'puppeteer' && browser.getPage) {
    const { keyboard } = browser.getPage(sessionId);
    for (const key of keys.slice(0, -1)) await keyboard.down(key);
    await keyboard.press(keys.at(-1)!);
    for (const key of keys.slice(0, -1).reverse()) await keyboard.up(key);
    return;
  }
  if (browser.type === 'webdriver' && browser.driver) {
    const codes = keys.map((key) => WEBDRIVER_KEYS[key]!);
    const down = codes.map((value) => ({ type: 'keyDown', value }));
    const up = [...codes].reverse().map((value) => ({ type: 'keyUp', value }));
    await browser.driver.performActions([{ type: 'key', id: 'keyboard', actions: [...down, ...up] }]);
    await browser.driver.releaseActions();
    return;
  }
  throw new Error(`engine-chord: no keyboard in ${browser.name} (${browser.type}).`);
}

function isViewport(payload: unknown): payload is Viewport {
  const p = payload as Partial<Viewport> | null;
  return !!p && Number.isInteger(p.width) && Number.isInteger(p.height) && p.width! > 0 && p.height! > 0;
}

/**
 * WebDriver sets the outer window size only: the window is sized, the viewport measured, and
 * the window grown by whatever the browser's own chrome takes, until the viewport is exact
 * (MiniBrowser runs full-screen, without chrome, so the first size is normally it). A resize is
 * applied asynchronously, so a measurement that does not look like a viewport yet is taken again.
 */
async function setWebdriverViewport(driver: WebdriverBrowser, wanted: Viewport): Promise<void> {
  let outer = { ...wanted };
  let seen = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    await driver.setWindowSize(outer.width, outer.height);
    const measured = await driver.execute<unknown>('return [window.innerWidth, window.innerHeight]');
    const [width, height] = Array.isArray(measured) ? (measured as unknown[]) : [];
    seen = JSON.stringify(measured);
    if (typeof width !== 'number' || typeof height !== 'number' || !(width > 0 && height > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (width === wanted.width && height === wanted.height) return;
    outer = {
      width: Math.max(wanted.width, outer.width + wanted.width - width),
      height: Math.max(wanted.height, outer.height + wanted.height - height),
    };
  }
  throw new Error(`WebDriver could not size the viewport to ${wanted.width}x${wanted.height} (last measured ${seen}).`);
}

/** The web-test-runner plugin: `engine-viewport`, `engine-chord` and `engine-reduced-motion`. */
export function engineCommandsPlugin() {
  return {
    name: 'engine-commands',
    async executeCommand({ command, payload, session }: CommandContext): Promise<unknown> {
      const browser = session.browser;
      if (command === 'engine-viewport') {
        if (!isViewport(payload)) throw new Error('engine-viewport needs { width, height } in whole pixels.');
        const viewport = { width: payload.width, height: payload.height };
        if (browser.type === 'puppeteer' && browser.getPage) await browser.getPage(session.id).setViewport(viewport);
        else if (browser.type === 'webdriver' && browser.driver) await setWebdriverViewport(browser.driver, viewport);
        else throw new Error(`engine-viewport: no way to size the viewport in ${browser.name} (${browser.type}).`);
        return true;
      }
      if (command === 'engine-chord') {
        await pressChord(browser, session.id, (payload as { keys?: string[] } | null)?.keys ?? []);
        return true;
      }
      if (command === 'engine-reduced-motion') {
        const value = (payload as { value?: string } | null)?.value;
        if (value !== 'reduce' && value !== 'no-preference')
          throw new Error('engine-reduced-motion needs { value: "reduce" | "no-preference" }.');
        if (browser.type === 'puppeteer' && browser.getPage) {
          try {
            await browser.getPage(session.id).emulateMediaFeatures([{ name: 'prefers-reduced-motion', value }]);
            return { emulated: true } satisfies MediaEmulation;
          } catch (error) {
            // Puppeteer's Firefox (WebDriver BiDi) has no media emulation: it needs CDP.
            return { emulated: false, reason: `${browser.name}: Page.emulateMediaFeatures needs CDP (${(error as Error).message})` };
          }
        }
        return {
          emulated: false,
          reason: `${browser.name}: classic WebDriver has no command to emulate media features`,
        } satisfies MediaEmulation;
      }
      return undefined;
    },
  };
}
