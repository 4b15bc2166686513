/**
 * The WooCommerce plugin: every PHP file passes `php -l`, the render and sanitize functions run
 * under PHP with WordPress's escaping helpers stubbed (tests/harness.php), the readme names the
 * external services, and the widget copy keeps the build's layout without source maps.
 * Needs Debian's php-cli (`.ci/run` installs it).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/protocol.ts';
import { copyWidget } from '../../woocommerce/scripts/copy-widget.ts';
import { ROOT, run, tempDir } from './helpers.ts';

const PLUGIN = join(ROOT, 'woocommerce/try-on-button');

function phpFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((path) => path.endsWith('.php')).map((path) => join(dir, path));
}

function php(calls: { fn: string; args: unknown[] }[]): unknown[] {
  const result = run('php', [join(ROOT, 'woocommerce/tests/harness.php')], JSON.stringify(calls));
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as unknown[];
}

const markup = (args: Record<string, string>) => php([{ fn: 'try_on_button_markup', args: [args] }])[0] as string;

describe('WooCommerce plugin PHP', () => {
  it("php-cli is installed (.ci/run installs Debian's php-cli)", () => {
    const version = run('php', ['-v']);
    expect(version.status, 'php is missing: apt-get install -y php-cli').toBe(0);
  });

  it('every PHP file passes php -l', () => {
    const files = [...phpFiles(PLUGIN), ...phpFiles(join(ROOT, 'woocommerce/tests'))];
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) {
      const lint = run('php', ['-l', file]);
      expect(lint.status, `${file}: ${lint.stdout}${lint.stderr}`).toBe(0);
    }
  });

  it('has a plugin header, refuses direct access in every file, and hooks after the add-to-cart button', () => {
    const main = readFileSync(join(PLUGIN, 'try-on-button.php'), 'utf8');
    expect(main).toMatch(/^\s*\*\s*Plugin Name:\s*\S/m);
    expect(main).toMatch(/^\s*\*\s*Requires Plugins:\s*woocommerce/m);
    expect(main).toMatch(/add_action\(\s*'woocommerce_after_add_to_cart_button'/);
    for (const file of phpFiles(PLUGIN)) {
      expect(readFileSync(file, 'utf8'), file).toMatch(/defined\( '(ABSPATH|WP_UNINSTALL_PLUGIN)' \)/);
    }
    const assets = readFileSync(join(PLUGIN, 'includes/assets.php'), 'utf8');
    expect(assets).toContain("function_exists( 'wp_enqueue_script_module' )");
    expect(assets).toContain('type="module"');
    expect(assets).not.toMatch(/https?:\/\/(?!www\.w3)/);
  });

  it('renders the element with every value escaped for its context', () => {
    const html = markup({
      endpoint: 'https://tryon.shop.example/api/try-on',
      garment: 'https://shop.example/wp-content/uploads/shirt-1024x1365.jpg?a=1&b=2',
      category: 'top',
      product: '42',
      merchant: 'Ann & "Bo" <b>',
      policy_url: 'https://shop.example/privacy/',
      lang: 'en-GB',
      label: '<img src=x onerror=alert(1)>',
      accent: '#aa0033',
    });
    expect(html).toBe(
      '<div class="try-on-button-wrap"><try-on-button class="try-on-button" endpoint="https://tryon.shop.example/api/try-on"' +
        ' garment="https://shop.example/wp-content/uploads/shirt-1024x1365.jpg?a=1&#038;b=2" category="top" product="42"' +
        ' merchant="Ann &amp; &quot;Bo&quot; &lt;b&gt;" policy-url="https://shop.example/privacy/" lang="en-GB"' +
        ' style="--try-on-accent: #aa0033">&lt;img src=x onerror=alert(1)&gt;</try-on-button></div>',
    );
  });

  it('drops unsafe URLs and styles instead of printing them', () => {
    const html = markup({
      endpoint: 'https://tryon.shop.example/api/try-on',
      garment: 'https://shop.example/a.jpg',
      category: 'dress',
      policy_url: 'javascript:alert(1)',
      accent: 'red;background:url(https://evil.example)',
    });
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('evil.example');
    expect(html).not.toContain('style=');
    expect(html).toContain('policy-url=""');
  });

  it('prints no button without an endpoint, a garment or a known category', () => {
    const base = { endpoint: 'https://e.example/api', garment: 'https://shop.example/a.jpg', category: 'top' };
    expect(markup(base)).toContain('<try-on-button');
    expect(markup({ ...base, endpoint: '' })).toBe('');
    expect(markup({ ...base, garment: '' })).toBe('');
    expect(markup({ ...base, category: 'scarf' })).toBe('');
  });

  it("picks the product's own category, then the mapping, then the default", () => {
    const map = { 't-shirts': 'top', dresses: 'dress' };
    const resolve = (own: string, slugs: string[], fallback: string) =>
      php([{ fn: 'try_on_button_resolve_category', args: [own, slugs, map, fallback] }])[0];
    expect(resolve('shoes', ['dresses'], 'top')).toBe('shoes');
    expect(resolve('', ['sale', 'dresses'], 'top')).toBe('dress');
    expect(resolve('scarf', ['sale'], 'outerwear')).toBe('outerwear');
    expect(resolve('', ['sale'], '')).toBe('');
  });

  it('sanitizes the settings on save: URLs, text, colour, category and mapping', () => {
    const [clean] = php([
      {
        fn: 'try_on_button_sanitize_settings',
        args: [
          {
            endpoint: ' https://tryon.shop.example/api/try-on ',
            button_label: '<b>Try</b> it\non',
            merchant_name: 'Linen <script>x</script>& Co',
            policy_url: 'javascript:alert(1)',
            default_category: 'scarf',
            category_map: 'T-Shirts = top\nDresses=DRESS\nscarves = scarf\nno mapping here',
            accent: 'red',
            injected: 'kept?',
          },
        ],
      },
    ]) as [Record<string, string>];
    expect(clean).toEqual({
      endpoint: 'https://tryon.shop.example/api/try-on',
      button_label: 'Try it on',
      merchant_name: 'Linen & Co',
      policy_url: '',
      default_category: '',
      category_map: 't-shirts = top\ndresses = dress',
      accent: '',
    });
  });

  it('lists exactly the protocol categories', () => {
    const options = readFileSync(join(PLUGIN, 'includes/options.php'), 'utf8');
    const listed = /array\( ('[a-z]+'(?:, '[a-z]+')*) \)/
      .exec(options)?.[1]
      ?.split(', ')
      .map((s) => s.slice(1, -1));
    expect(listed).toEqual([...CATEGORIES]);
  });
});

describe('WooCommerce plugin readme and bundled widget', () => {
  it('has a WordPress readme that names the external services', () => {
    const readme = readFileSync(join(PLUGIN, 'readme.txt'), 'utf8');
    expect(readme).toMatch(/^=== .+ ===$/m);
    for (const header of ['Requires at least', 'Tested up to', 'Requires PHP', 'Stable tag', 'License']) {
      expect(readme).toMatch(new RegExp(`^${header}: \\S`, 'm'));
    }
    expect(readme).toMatch(/^== External services ==$/m);
    expect(readme).toMatch(/endpoint/i);
    for (const site of ['https://vistoureai.com', 'https://vtry.ai', 'https://virtufit.xyz', 'https://pixazo.ai'])
      expect(readme).toContain(site);
  });

  it('copies the widget build into the plugin, keeping its layout and leaving out source maps', () => {
    const fake = tempDir('woo');
    try {
      const from = join(fake.dir, 'cdn');
      mkdirSync(join(from, 'chunks'), { recursive: true });
      writeFileSync(join(from, 'try-on-button.js'), 'import"./chunks/a-1.js";\n//# sourceMappingURL=try-on-button.js.map\n');
      writeFileSync(join(from, 'try-on-button.js.map'), '{}');
      writeFileSync(join(from, 'chunks/a-1.js'), 'export{};');
      const to = join(fake.dir, 'plugin/assets/widget');
      expect(copyWidget(from, to)).toEqual(['chunks/a-1.js', 'try-on-button.js']);
      expect(readFileSync(join(to, 'try-on-button.js'), 'utf8')).toBe('import"./chunks/a-1.js";\n');
      expect(() => copyWidget(join(fake.dir, 'nothing'), to)).toThrow(/run `npm run build:widget` first/);
    } finally {
      fake.remove();
    }
  });
});
