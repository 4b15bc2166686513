/**
 * The Shopify theme app extension: the app block rendered by a Liquid engine (liquidjs) with a
 * sample product and small stand-ins for Shopify's own filters, its schema, and the widget
 * copied flat into assets/ and loaded from there in Chromium.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid, type TagToken, type TopLevelToken } from 'liquidjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/protocol.ts';
import { copyWidgetFlat, SHOPIFY_ASSET_TYPES } from '../../shopify/scripts/copy-widget.ts';
import { launchChromium, ROOT, serveStatic, tempDir, viteBuild } from './helpers.ts';

const EXTENSION = join(ROOT, 'shopify/extensions/try-on');
const BLOCK = readFileSync(join(EXTENSION, 'blocks/try-on.liquid'), 'utf8');
const ASSET_HOST = 'https://cdn.shopify.com/extensions/0199c0de-aaaa-bbbb-cccc-0123456789ab/1.2.0/assets/';

interface Setting {
  id?: string;
  type: string;
  default?: unknown;
  options?: { value: string; label: string }[];
}
interface Schema {
  name: string;
  target: string;
  enabled_on?: { templates?: string[] };
  settings: Setting[];
}

function readSchema(): Schema {
  const match = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(BLOCK);
  if (!match?.[1]) throw new Error('blocks/try-on.liquid has no {% schema %}');
  return JSON.parse(match[1]) as Schema;
}

/** A Liquid engine with Shopify's schema tag and the Shopify filters the block uses. */
function shopifyLiquid(assetHost = ASSET_HOST): Liquid {
  const engine = new Liquid({ strictFilters: true });
  // Shopify reads {% schema %} itself and renders nothing for it.
  engine.registerTag('schema', {
    parse(_token: TagToken, remaining: TopLevelToken[]) {
      for (let token = remaining.shift(); token; token = remaining.shift()) {
        if ((token as TagToken).name === 'endschema') return;
      }
      throw new Error('{% schema %} is not closed');
    },
    render: () => '',
  });
  engine.registerFilter('asset_url', (name: string) => `${assetHost}${name}`);
  // Shopify's image_url: the image's CDN URL with the size as a query parameter.
  engine.registerFilter('image_url', (image: { src: string } | null, ...args: [string, unknown][]) => {
    if (!image) return '';
    const width = args.find(([key]) => key === 'width')?.[1];
    const url = image.src;
    return width === undefined ? url : `${url}${url.includes('?') ? '&' : '?'}width=${width}`;
  });
  return engine;
}

function defaults(schema: Schema): Record<string, unknown> {
  return Object.fromEntries(schema.settings.filter((s) => s.id).map((s) => [s.id!, s.default ?? '']));
}

function sampleContext(
  overrides: { settings?: Record<string, unknown>; product?: Record<string, unknown>; shop?: Record<string, unknown> } = {},
) {
  return {
    product: {
      id: 8123456789,
      title: 'Linen camp shirt',
      featured_image: { src: '//linen-and-co.example/cdn/shop/files/linen-shirt.jpg?v=1700000000', width: 2048, height: 2731 },
      metafields: {},
      ...overrides.product,
    },
    shop: { name: 'Linen & Co', privacy_policy: { url: '/policies/privacy-policy' }, ...overrides.shop },
    request: { locale: { iso_code: 'fr' } },
    block: {
      id: 'AbCd123',
      shopify_attributes: 'data-shopify-editor-block="{&quot;id&quot;:&quot;AbCd123&quot;}"',
      settings: { ...defaults(readSchema()), ...overrides.settings },
    },
  };
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#34;': '"' };
const decode = (value: string) => value.replace(/&(?:amp|lt|gt|quot|#39|#34);/g, (entity) => ENTITIES[entity]!);

/** The raw and decoded attributes of the one <try-on-button> in `html`, and its text. */
function element(html: string) {
  const matches = [...html.matchAll(/<try-on-button\b([^>]*)>([\s\S]*?)<\/try-on-button>/g)];
  expect(matches).toHaveLength(1);
  const [, rawAttributes = '', text = ''] = matches[0]!;
  const raw: Record<string, string> = {};
  // Every attribute is name="value": a value whose quotes were not escaped breaks this parse.
  const rest = rawAttributes.replace(/\s+([a-z-]+)="([^"]*)"/g, (_m, name: string, value: string) => {
    raw[name] = value;
    return '';
  });
  expect(rest.trim()).toBe('');
  const attributes = Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, decode(value)]));
  return { raw, attributes, text: decode(text.trim()) };
}

describe('Shopify app block schema', () => {
  const schema = readSchema();

  it('is an app block for product templates, placed in sections', () => {
    expect(schema.target).toBe('section');
    expect(schema.enabled_on?.templates).toEqual(['product']);
  });

  it('offers label, category, colour and proxy settings with valid defaults', () => {
    const byId = new Map(schema.settings.map((s) => [s.id, s]));
    expect([...byId.keys()]).toEqual(
      expect.arrayContaining(['label', 'category', 'accent', 'accent_contrast', 'radius', 'full_width', 'proxy_path']),
    );
    expect(new Set(schema.settings.map((s) => s.id)).size).toBe(schema.settings.length);
    const category = byId.get('category')!;
    expect(category.type).toBe('select');
    expect(category.options!.map((o) => o.value)).toEqual([...CATEGORIES]);
    expect(CATEGORIES).toContain(category.default);
    for (const id of ['accent', 'accent_contrast']) {
      expect(byId.get(id)!.type).toBe('color');
      expect(byId.get(id)!.default).toMatch(/^#[0-9a-f]{6}$/i);
    }
    expect(byId.get('proxy_path')!.default).toBe('/apps/try-on');
  });

  it('holds only what Shopify accepts in a theme app extension', () => {
    expect(
      readdirSync(EXTENSION).filter((name) => !['assets', 'blocks', 'snippets', 'locales', 'shopify.extension.toml'].includes(name)),
    ).toEqual([]);
    expect(readFileSync(join(EXTENSION, 'shopify.extension.toml'), 'utf8')).toMatch(/type = "theme"/);
  });
});

describe('Shopify app block rendered with a sample product', () => {
  const engine = shopifyLiquid();
  const render = (context: ReturnType<typeof sampleContext>) => engine.parseAndRender(BLOCK, context);

  it('loads the bundle from the extension assets as a module and renders the element with the product image', async () => {
    const html = await render(sampleContext());
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([` type="module" src="${ASSET_HOST}try-on-button.js"`]);
    const { attributes, text } = element(html);
    expect(attributes).toMatchObject({
      endpoint: '/apps/try-on',
      garment: '//linen-and-co.example/cdn/shop/files/linen-shirt.jpg?v=1700000000&width=1024',
      category: 'top',
      product: '8123456789',
      merchant: 'Linen & Co',
      lang: 'fr',
      'policy-url': '/policies/privacy-policy',
    });
    expect(attributes.style).toContain('--try-on-accent: #1f2a37;');
    expect(attributes.style).toContain('--try-on-accent-contrast: #ffffff;');
    expect(attributes.style).toContain('--try-on-radius: 10px;');
    expect(text).toBe('Try it on');
    // The theme editor needs the block attributes on the block's outer element.
    expect(html).toContain('<div class="try-on-block" data-shopify-editor-block=');
  });

  it('applies the merchant settings', async () => {
    const html = await render(
      sampleContext({
        settings: {
          label: 'Anprobieren',
          category: 'shoes',
          accent: '#aa0033',
          accent_contrast: '#fefefe',
          radius: 0,
          full_width: true,
          proxy_path: '/apps/vto',
        },
      }),
    );
    const { attributes, text } = element(html);
    expect(attributes.endpoint).toBe('/apps/vto');
    expect(attributes.category).toBe('shoes');
    expect(attributes.style).toContain('--try-on-accent: #aa0033;');
    expect(attributes.style).toContain('--try-on-accent-contrast: #fefefe;');
    expect(attributes.style).toContain('--try-on-radius: 0px;');
    expect(attributes.style).toContain('display: block;');
    expect(html).toContain('class="try-on-block try-on-block--full"');
    expect(html).toContain('.try-on-block--full try-on-button::part(button) { width: 100%; }');
    expect(text).toBe('Anprobieren');
  });

  it('leaves the label empty (icon and default text) when the merchant clears it', async () => {
    expect(element(await render(sampleContext({ settings: { label: '' } }))).text).toBe('');
  });

  it("lets a product's try_on.category metafield override the block's category", async () => {
    const html = await render(sampleContext({ product: { metafields: { try_on: { category: { value: 'dress' } } } } }));
    expect(element(html).attributes.category).toBe('dress');
  });

  it('escapes every value it writes', async () => {
    const html = await render(
      sampleContext({
        shop: { name: 'Ann & "Bo" <b>', privacy_policy: { url: '/policies/x"onmouseover="alert(1)' } },
        settings: { label: '<img src=x onerror=alert(1)>', proxy_path: '/apps/x"><script>alert(1)</script>', category: 'top' },
      }),
    );
    const { raw, attributes, text } = element(html);
    // Shopify writes &quot;, liquidjs &#34;: both keep the quote inside the attribute.
    expect(raw.merchant).toMatch(/^Ann &amp; &(?:quot|#34);Bo&(?:quot|#34); &lt;b&gt;$/);
    expect(attributes.merchant).toBe('Ann & "Bo" <b>');
    expect(attributes.endpoint).toBe('/apps/x"><script>alert(1)</script>');
    expect(attributes['policy-url']).toBe('/policies/x"onmouseover="alert(1)');
    expect(text).toBe('<img src=x onerror=alert(1)>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(attributes.garment).toContain('&width=1024');
    expect(raw.garment).toContain('&amp;width=1024');
  });

  it('renders nothing for a product without an image (nothing to try on)', async () => {
    const html = await render(sampleContext({ product: { featured_image: null } }));
    expect(html.trim()).toBe('');
  });
});

describe('Shopify assets: the widget copied flat and loaded from them', () => {
  const build = tempDir('shopify-build');
  const site = tempDir('shopify-site');
  const assets = join(site.dir, 'assets');

  beforeAll(async () => {
    await viteBuild('vite.config.ts', build.dir);
  });
  afterAll(() => {
    build.remove();
    site.remove();
  });

  it('copies every file of the build flat, without source maps, only in types Shopify accepts', () => {
    const built = readdirSync(build.dir, { recursive: true }) as string[];
    expect(built.some((path) => path.startsWith('chunks'))).toBe(true);
    const { files, rewritten } = copyWidgetFlat(build.dir, assets);
    const written = readdirSync(assets);
    expect(written.sort()).toEqual(files);
    expect(written).toContain('try-on-button.js');
    expect(written.every((name) => statSync(join(assets, name)).isFile())).toBe(true);
    expect(written.every((name) => (SHOPIFY_ASSET_TYPES as readonly string[]).some((type) => name.endsWith(type)))).toBe(true);
    const builtJs = built.filter((path) => path.endsWith('.js')).map((path) => path.split('/').pop());
    expect(written.filter((name) => name.endsWith('.js')).sort()).toEqual(builtJs.sort());
    expect(rewritten).toBeGreaterThan(0);
    for (const name of written) {
      const text = readFileSync(join(assets, name), 'utf8');
      expect(text).not.toContain('chunks/');
      expect(text).not.toContain('sourceMappingURL');
    }
  });

  it('refuses a build it cannot flatten, naming the file', () => {
    const bad = tempDir('shopify-bad');
    try {
      mkdirSync(join(bad.dir, 'chunks'));
      writeFileSync(join(bad.dir, 'try-on-button.js'), 'import "./chunks/a.js";');
      writeFileSync(join(bad.dir, 'chunks/a.js'), '');
      writeFileSync(join(bad.dir, 'chunks/font.woff2'), '');
      expect(() => copyWidgetFlat(bad.dir, join(bad.dir, 'out'))).toThrow(/chunks\/font\.woff2: Shopify does not accept \.woff2/);
      expect(() => copyWidgetFlat(join(bad.dir, 'missing'), join(bad.dir, 'out'))).toThrow(/run `npm run build:widget` first/);
    } finally {
      bad.remove();
    }
  });

  it('works from the flat assets in Chromium: the block page shows the button and the panel loads on click', async () => {
    const server = await serveStatic(site.dir);
    const browser = await launchChromium();
    try {
      const block = await shopifyLiquid(`${server.origin}/assets/`).parseAndRender(
        BLOCK,
        sampleContext({ settings: { label: 'Essayer' } }),
      );
      writeFileSync(
        join(site.dir, 'index.html'),
        `<!doctype html><html lang="fr"><head><link rel="icon" href="data:,"></head><body><main>${block}</main></body></html>`,
      );
      const page = await browser.newPage();
      const failures: string[] = [];
      page.on('pageerror', (error) => failures.push(error.message));
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => customElements.get('try-on-button') !== undefined);
      const button = page.locator('try-on-button').locator('[part="button"]');
      await expect.poll(() => button.isVisible()).toBe(true);
      const opened = page.evaluate(
        () =>
          new Promise<boolean>((resolve) =>
            document.querySelector('try-on-button')!.addEventListener('try-on-open', () => resolve(true), { once: true }),
          ),
      );
      await button.click();
      expect(await opened).toBe(true);
      await expect.poll(() => page.locator('try-on-button').getAttribute('status')).toBe('consent');
      expect(await page.locator('try-on-button').locator('[part="panel"]').count()).toBe(1);
      expect(await page.locator('try-on-button').evaluate((el) => (el as HTMLElement & { endpoint: string }).endpoint)).toBe(
        '/apps/try-on',
      );
      const assetRequests = server.requests.filter((r) => r.path.startsWith('/assets/'));
      expect(assetRequests.map((r) => r.path)).toEqual(
        expect.arrayContaining(['/assets/try-on-button.js', expect.stringMatching(/^\/assets\/panel-.*\.js$/)]),
      );
      // Every asset answers; the app proxy is not served here (the panel's product check at open
      // gets a 404, which the widget takes as "no answer" and opens as usual).
      expect(assetRequests.filter((r) => r.status !== 200)).toEqual([]);
      expect(failures).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
