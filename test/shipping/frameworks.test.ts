/**
 * React 19 and Vue 3, in the spirit of Custom Elements Everywhere: the examples typecheck
 * (their typings reject wrong use), build with Vite, and in Chromium pass rich data as
 * properties, strings as attributes, and hear the element's events by name. React's server
 * renderer is checked for what it writes into HTML.
 */
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, run, serveStatic, tempDir, viteBuild, type StaticServer } from './helpers.ts';

describe('typed use', () => {
  it('the React example typechecks, and its typings reject a wrong category, strings and event detail', () => {
    const result = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'examples/react', '--noEmit']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('the Vue example typechecks with vue-tsc, and its typings reject wrong use in templates', () => {
    const result = run(process.execPath, ['node_modules/vue-tsc/bin/vue-tsc.js', '-p', 'examples/vue', '--noEmit']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('React 19 server rendering', () => {
  it('writes string props as attributes and leaves out objects and event handlers', () => {
    const html = renderToString(
      createElement('try-on-button', {
        endpoint: '/api/try-on',
        category: 'top',
        'consent-version': '2026-11-ssr',
        strings: { button: 'Essayer' },
        'ontry-on-complete': () => undefined,
      }),
    );
    expect(html).toContain('endpoint="/api/try-on"');
    expect(html).toContain('category="top"');
    expect(html).toContain('consent-version="2026-11-ssr"');
    expect(html).not.toContain('strings');
    expect(html).not.toContain('[object Object]');
    expect(html).not.toContain('ontry-on');
  });
});

for (const framework of ['react', 'vue'] as const) {
  describe(`${framework} example in Chromium`, () => {
    const out = tempDir(`${framework}-example`);
    let server: StaticServer;
    let browser: Browser;

    beforeAll(async () => {
      await viteBuild(`examples/${framework}/vite.config.ts`, out.dir);
      server = await serveStatic(out.dir);
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      out.remove();
    });

    it('passes strings as a property, plain values as attributes, and updates them on re-render', async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.origin}/`);
      const element = page.locator('try-on-button');
      await element.waitFor();
      await page.waitForFunction(() => customElements.get('try-on-button') !== undefined);

      const state = () =>
        element.evaluate((el) => {
          const button = el as HTMLElement & { strings?: { button?: string }; endpoint: string; consentVersion: string };
          return {
            stringsButton: button.strings?.button,
            stringsAttribute: button.getAttribute('strings'),
            endpoint: button.endpoint,
            consentVersion: button.consentVersion,
            consentAttribute: button.getAttribute('consent-version'),
            lang: button.getAttribute('lang'),
            shadowText: button.shadowRoot?.querySelector('[part="button"]')?.textContent?.trim(),
          };
        });
      await expect.poll(async () => (await state()).shadowText).toBe('Essayer');
      const first = await state();
      expect(first).toMatchObject({
        stringsButton: 'Essayer',
        stringsAttribute: null,
        endpoint: '/api/try-on',
        consentVersion: `2026-11-${framework}`,
        consentAttribute: `2026-11-${framework}`,
        lang: 'fr',
      });

      await page.click('#switch-lang');
      await expect.poll(async () => (await state()).shadowText).toBe('Anprobieren');
      expect(await state()).toMatchObject({ stringsButton: 'Anprobieren', stringsAttribute: null, lang: 'de' });
      expect(errors).toEqual([]);
      await page.close();
    });

    it("hears the element's events by name: a real try-on-open, and try-on-complete / try-on-error details", async () => {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => customElements.get('try-on-button') !== undefined);
      const element = page.locator('try-on-button');

      // The element's own event: clicking its button loads the panel and fires try-on-open.
      await element.locator('[part="button"]').click();
      await expect.poll(() => page.textContent('#opened')).toBe('1');

      await element.evaluate((el) => {
        el.dispatchEvent(
          new CustomEvent('try-on-complete', { detail: { images: ['https://cdn.example/result-1.png'] }, bubbles: true, composed: true }),
        );
        el.dispatchEvent(
          new CustomEvent('try-on-error', {
            detail: { code: 'provider_busy', message: 'Busy, try again.' },
            bubbles: true,
            composed: true,
          }),
        );
      });
      await expect.poll(() => page.textContent('#images')).toBe('https://cdn.example/result-1.png');
      await expect.poll(() => page.textContent('#error')).toBe('provider_busy: Busy, try again.');

      // An event of a name nobody listens for changes nothing.
      await element.evaluate((el) => el.dispatchEvent(new CustomEvent('tryoncomplete', { detail: { images: ['x'] } })));
      expect(await page.textContent('#images')).toBe('https://cdn.example/result-1.png');
      await page.close();
    });
  });
}
