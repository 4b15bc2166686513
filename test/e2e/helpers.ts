/**
 * What the end-to-end suites share: the built-widget check, Chromium with a shopper photo on
 * disk, and the steps a shopper takes through the element's parts. Each suite keeps its own
 * assertions and screenshots between these steps.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, type ChromiumOptions } from '../chromium.ts';
import { makeShopperPhoto } from './shopper-photo.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Fails with what to run when the widget build (and any other `dist/` file named) is missing. */
export function requireWidgetBuild(...distFiles: string[]): void {
  const missing = ['cdn/try-on-button.js', ...distFiles].filter((file) => !existsSync(`${ROOT}dist/${file}`));
  assert.deepEqual(missing, [], 'The widget is not built: run `npm run build:widget` first (npm run test:e2e does).');
}

/**
 * Launches Chromium and writes the shopper photo into `shots` (created if needed), where the
 * suite's screenshots go too.
 */
export async function startBrowser(shots: string, options: ChromiumOptions = {}): Promise<{ browser: Browser; photoPath: string }> {
  const browser = await launchChromium(options);
  await mkdir(shots, { recursive: true });
  const photoPath = `${shots}shopper.jpg`;
  await writeFile(photoPath, await makeShopperPhoto(browser));
  return { browser, photoPath };
}

/** Collects uncaught page errors (and, with `console`, console errors) for a final empty check. */
export function watchProblems(page: Page, options: { console?: boolean } = {}): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  if (options.console) {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
  }
  return problems;
}

/** Waits until the element's reflected status is one of `wanted` and returns it. */
export async function waitForStatus(page: Page, wanted: string[], timeout = 30_000): Promise<string> {
  const handle = await page.waitForFunction(
    (states) => {
      const status = document.querySelector('try-on-button')?.getAttribute('status') ?? '';
      return states.includes(status) ? status : false;
    },
    wanted,
    { timeout },
  );
  return (await handle.jsonValue()) as string;
}

/** Finite animations done (endless ones, like a spinner or shimmer, never finish), shown images decoded: screenshots show settled steps. */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const root = document.querySelector('try-on-button')?.shadowRoot;
    if (!root) return true;
    const moving = root.getAnimations().some((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity);
    const loading = [...root.querySelectorAll('img')].some((img) => img.getClientRects().length > 0 && !img.complete);
    return !moving && !loading;
  });
}

/** Opens `url` and returns the widget once its element is defined. */
export async function openWidget(page: Page, url: string): Promise<Locator> {
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('try-on-button') !== undefined);
  return page.locator('try-on-button');
}

/** A first-time shopper clicks the button; the panel opens on the consent step. */
export async function openPanel(page: Page, widget: Locator): Promise<void> {
  await widget.locator('[part="button"]').click();
  assert.equal(await waitForStatus(page, ['consent']), 'consent');
}

/** Picks the photo through the file input and waits for the submit button (and the preview) to show. */
export async function choosePhoto(widget: Locator, photoPath: string): Promise<Locator> {
  await widget.locator('[part="file-input"]').setInputFiles(photoPath);
  const submit = widget.locator('[part="submit"]');
  await submit.waitFor({ state: 'visible' });
  await widget.locator('[part="preview"]').waitFor({ state: 'visible' });
  return submit;
}

/** Waits until the result image has loaded and decoded. */
export async function waitForResultImage(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const img = document.querySelector('try-on-button')?.shadowRoot?.querySelector<HTMLImageElement>('[part="result-image"]');
    return img !== null && img !== undefined && img.complete && img.naturalWidth > 0;
  });
}

/** Decodes the `data:` URIs of the <image> elements in the demo provider's composite SVG. */
export function embeddedImages(svg: string): { type: string; bytes: Buffer; width: number; height: number }[] {
  return [...svg.matchAll(/<image href="data:([^;]+);base64,([^"]+)"[^>]*width="([\d.]+)" height="([\d.]+)"/g)].map((m) => ({
    type: m[1]!,
    bytes: Buffer.from(m[2]!, 'base64'),
    width: Number(m[3]),
    height: Number(m[4]),
  }));
}
