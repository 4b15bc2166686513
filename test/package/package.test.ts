/**
 * The npm package as a merchant gets it: `npm pack`'s tarball (contents, publint), installed
 * offline into an empty project and used there (the server entry on Node, the bin, the types
 * with TypeScript, the element bundled by Vite and rendered in Chromium), the script-tag build's
 * size budgets, and that build loaded from a second origin running a whole try-on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { publint } from 'publint';
import { ROOT, buildPackage, launchChromium, run, serveDir } from './helpers.ts';
import { crossOriginTryOn } from './cross-origin.ts';

/** Shopify's guidance for an app block's script; what a product page loads before first use. */
const INITIAL_BUDGET_GZIP = 10 * 1024;
/** Issue 6's aim for the loader before first use (reported as a ratio, not enforced). */
const INITIAL_AIM_GZIP = 3 * 1024;
/**
 * "The whole widget including the panel and worker", as a shopper downloads it: the loader, the
 * panel (Lit, the client, every view), the photo worker and ONE locale, the largest, since a
 * panel loads exactly the one language it shows. The other four locales sit on the merchant's
 * CDN but never reach that shopper, so they are reported (total) and not budgeted.
 */
const SHOPPER_BUDGET_GZIP = 40 * 1024;
/**
 * The 40 KB is NOT met yet (49.1 KB with every feature of issue 4): the only cuts big
 * enough replace design-card packages (@floating-ui/dom, comlink), which is the design owner's
 * call, so the issue stays open on it. Until then this ceiling keeps the widget from growing
 * further; lower it with every saving, and delete it once SHOPPER_BUDGET_GZIP holds.
 */
const SHOPPER_CEILING_GZIP = 50 * 1024;

const NPM = 'npm';
let work: string;
let tarball: string;
let packed: string[];
let app: string;
let browser: Browser;

beforeAll(async () => {
  buildPackage();
  work = await mkdtemp(join(tmpdir(), 'try-on-package-'));
  const pack = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, timeoutMs: 120_000 });
  expect(pack.code, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  packed = info!.files.map((f) => f.path).sort();

  app = join(work, 'shop');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
  // Offline: the dependencies come from the npm cache our own install filled.
  let install = await run(NPM, ['install', tarball, '--offline', '--no-audit', '--no-fund'], { cwd: app, timeoutMs: 180_000 });
  if (install.code !== 0) install = await run(NPM, ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, timeoutMs: 180_000 });
  expect(install.code, install.stderr).toBe(0);
  browser = await launchChromium();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds dist (JS, .d.ts, the CDN build, the manifest), README, LICENSE and package.json, and nothing else', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/custom-elements.json',
      'dist/element/define.js',
      'dist/element/define.d.ts',
      'dist/element/try-on-button.js',
      'dist/worker/worker.js',
      'dist/server/index.js',
      'dist/server/index.d.ts',
      'dist/server/runtimes/node.js',
      'dist/server/runtimes/bin.js',
      'dist/frameworks/react.d.ts',
      'dist/frameworks/vue.d.ts',
      'dist/cdn/try-on-button.js',
    ]) {
      expect(packed, file).toContain(file);
    }
    expect(packed.some((f) => /^dist\/cdn\/chunks\/worker-[\w-]+\.js$/.test(f)), 'the CDN build ships its worker').toBe(true);
    const unexpected = packed.filter((f) => !['package.json', 'README.md', 'LICENSE'].includes(f) && !/^dist\/.+\.(js|d\.ts|json)$/.test(f));
    expect(unexpected).toEqual([]);
    // No tests, fakes, demo, sources, source maps or build leftovers.
    expect(packed.filter((f) => /(^|\/)(test|fakes|demo|examples|src|scripts)\/|\.map$|\.ts$(?<!\.d\.ts)|bundle-size\.json$/.test(f))).toEqual([]);
  });

  it('names no TypeScript source in any built import, and hides the key-bearing fakes', async () => {
    const dir = join(work, 'unpacked');
    await mkdir(dir);
    expect((await run('tar', ['-xzf', tarball, '-C', dir], { cwd: work })).code).toBe(0);
    const offenders: string[] = [];
    for (const file of packed.filter((f) => /\.(js|d\.ts)$/.test(f))) {
      const text = await readFile(join(dir, 'package', file), 'utf8');
      if (/['"]\.{1,2}\/[^'"]+\.ts['"]/.test(text)) offenders.push(file);
      if (/fake-\w+-key|TRYON_API_KEY=\S/.test(text)) offenders.push(`${file} (a key)`);
    }
    expect(offenders).toEqual([]);
  });

  it('is publint clean', async () => {
    const { messages } = await publint({ pkgDir: ROOT, level: 'suggestion', strict: true });
    expect(messages.map((m) => `${m.type} ${m.code} ${JSON.stringify(m.args)} at ${m.path.join('.')}`)).toEqual([]);
  });

  it('declares its exports, bin, side effects and manifest', async () => {
    const pkg = JSON.parse(await readFile(join(app, 'node_modules/try-on-button/package.json'), 'utf8')) as Record<string, any>;
    expect(Object.keys(pkg.exports)).toEqual(
      expect.arrayContaining(['.', './define', './element', './server', './node', './express', './hono', './next', './cloudflare', './vercel', './react', './vue']),
    );
    expect(pkg.bin).toEqual({ 'try-on-endpoint': 'dist/server/runtimes/bin.js' });
    // The same modules in src/ too: this package's own builds (the CDN bundle, the demo) read the field.
    expect(pkg.sideEffects).toEqual(['./dist/element/define.js', './dist/worker/worker.js', './dist/server/runtimes/bin.js', './dist/cdn/**', './src/element/define.ts', './src/worker/worker.ts', './src/server/runtimes/bin.ts', './src/cdn.ts']);
    expect(pkg.customElements).toBe('dist/custom-elements.json');
  });

  it('custom-elements.json describes the element from its JSDoc, with the published paths', async () => {
    const manifest = JSON.parse(await readFile(join(app, 'node_modules/try-on-button/dist/custom-elements.json'), 'utf8')) as {
      modules: { path: string; declarations?: any[]; exports?: any[] }[];
    };
    const mod = manifest.modules.find((m) => m.path === 'dist/element/try-on-button.js');
    const element = mod?.declarations?.find((d) => d.name === 'TryOnButton');
    expect(element?.tagName).toBe('try-on-button');
    const names = (list: { name: string }[] | undefined) => (list ?? []).map((x) => x.name);
    expect(names(element.attributes)).toEqual(expect.arrayContaining(['endpoint', 'garment', 'category', 'product', 'consent-version', 'policy-url']));
    expect(names(element.attributes).filter((n) => n.startsWith('_'))).toEqual([]);
    expect(names(element.events)).toEqual(expect.arrayContaining(['try-on-open', 'try-on-complete', 'try-on-error']));
    expect(names(element.events).every((n) => n.startsWith('try-on-'))).toBe(true);
    expect(names(element.cssParts)).toEqual(expect.arrayContaining(['button', 'panel', 'result-image']));
    expect(element.cssProperties).toEqual(expect.arrayContaining([expect.objectContaining({ name: '--try-on-accent', default: '#1f2a37' })]));
    expect(element.slots).toEqual([expect.objectContaining({ name: '' })]);
    const define = manifest.modules.find((m) => m.path === 'dist/element/define.js');
    expect(define?.exports).toEqual(
      expect.arrayContaining([{ kind: 'custom-element-definition', name: 'try-on-button', declaration: { name: 'TryOnButton', module: 'dist/element/try-on-button.js' } }]),
    );
    for (const m of manifest.modules) expect(existsSync(join(app, 'node_modules/try-on-button', m.path)), m.path).toBe(true);
  });
});

describe('installed into an empty project', () => {
  it('Node: the server entries import without a bundler and answer /health', async () => {
    await writeFile(
      join(app, 'health.mjs'),
      `import { startNodeServer } from 'try-on-button/node';
import { createTryOnHandler, optionsFromEnv, PROVIDER_NAMES } from 'try-on-button/server';
import { tryOnHono } from 'try-on-button/hono';
import { tryOnExpress } from 'try-on-button/express';
const handler = createTryOnHandler({ ...optionsFromEnv({ TRYON_PROVIDER: 'demo', TRYON_SECRET: 'package-test-secret-0123456789abcdef' }), basePath: '/api/try-on' });
const direct = await handler(new Request('http://shop.test/api/try-on/health'));
const server = await startNodeServer({ port: 0, env: { TRYON_PROVIDER: 'demo', TRYON_SECRET: 'package-test-secret-0123456789abcdef' } });
const viaNode = await fetch(server.url + '/health');
console.log(JSON.stringify({ direct: [direct.status, await direct.json()], node: [viaNode.status, await viaNode.json()],
  providers: PROVIDER_NAMES, adapters: [typeof tryOnHono, typeof tryOnExpress] }));
await server.close();
`,
    );
    const result = await run(process.execPath, ['health.mjs'], { cwd: app });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The endpoint logs each request as a JSON line first; the script's report is the last line.
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown[]>;
    expect(out.direct).toEqual([200, expect.objectContaining({ ok: true, provider: 'demo' })]);
    expect(out.node).toEqual([200, expect.objectContaining({ ok: true, provider: 'demo' })]);
    expect(out.providers).toEqual(expect.arrayContaining(['demo', 'vistoure', 'vtry']));
    expect(out.adapters).toEqual(['function', 'function']);
  });

  it('the try-on-endpoint bin runs from node_modules/.bin', async () => {
    const bin = join(app, 'node_modules/.bin/try-on-endpoint');
    const check = await run(bin, ['check'], { cwd: app, env: { TRYON_PROVIDER: 'demo' } });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^demo: needs no key/);
    const usage = await run(bin, ['nonsense'], { cwd: app });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: try-on-endpoint/);
  });

  it('TypeScript (nodenext) finds real types for the server, the element and the framework typings', async () => {
    await writeFile(
      join(app, 'types.ts'),
      `import { createTryOnHandler, type HandlerOptions } from 'try-on-button/server';
import { TryOnButton } from 'try-on-button/element';
import type { TryOnEventMap, TryOnStrings } from 'try-on-button/define';
import type { TryOnButtonVueProps } from 'try-on-button/vue';
import type { TryOnButtonProps } from 'try-on-button/react';
const options: HandlerOptions = { provider: 'demo', basePath: '/api/try-on' };
export const handler: (request: Request) => Promise<Response> = createTryOnHandler(options);
// @ts-expect-error provider is a string: the declarations are real, not any
createTryOnHandler({ provider: 42 });
export const tag: string = TryOnButton.name;
export type Complete = TryOnEventMap['try-on-complete']['detail']['images'];
export const strings: Partial<TryOnStrings> = { button: 'Essayer' };
// @ts-expect-error category is one of the protocol's categories
export const badVue: TryOnButtonVueProps = { endpoint: '/api', category: 'hat' };
export type ReactCategory = TryOnButtonProps['category'];
`,
    );
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023', 'dom', 'dom.iterable'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          // The shop's own type packages; ours come with the tarball.
          typeRoots: [join(ROOT, 'node_modules/@types')],
          types: ['node'],
          paths: { react: [join(ROOT, 'node_modules/@types/react')], vue: [join(ROOT, 'node_modules/vue')] },
        },
        files: ['types.ts'],
      }),
    );
    const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app, timeoutMs: 120_000 });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });

  it('Vite bundles the element (lazy panel and worker included) and Chromium renders the button', async () => {
    await writeFile(join(app, 'main.js'), `import 'try-on-button';\n`);
    await writeFile(
      join(app, 'index.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body>
<try-on-button endpoint="/api/try-on" garment="/shirt.png" category="top"></try-on-button>
<script type="module" src="./main.js"></script></body></html>`,
    );
    await viteBuild({ root: app, logLevel: 'silent', configFile: false, base: './', build: { outDir: 'out', emptyOutDir: true } });
    const assets = await readdir(join(app, 'out/assets'));
    const code = await Promise.all(assets.filter((f) => f.endsWith('.js')).map((f) => readFile(join(app, 'out/assets', f), 'utf8')));
    // The bundler followed `new Worker(new URL('./worker.js', import.meta.url))` into a worker chunk.
    expect(code.some((c) => /new Worker\(new URL\(/.test(c))).toBe(true);
    expect(assets.filter((f) => /^worker-.+\.js$/.test(f))).toHaveLength(1);

    const site = await serveDir(join(app, 'out'));
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await page.goto(`${site.url}/index.html`);
      const button = page.locator('try-on-button [part="button"]');
      await button.waitFor({ state: 'visible' });
      expect(await button.innerText()).toMatch(/Try it on/);
      await button.click();
      await page.locator('try-on-button [part="panel"]').waitFor({ state: 'visible' });
      expect(await page.locator('try-on-button').getAttribute('status')).toBe('consent');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await site.close();
    }
  });
});

describe('the script-tag build', () => {
  /** Gzip sizes recomputed from the files on disk, so a stale or hand-edited report cannot pass. */
  async function measured(): Promise<{ initial: number; shopper: number; total: number; files: string[] }> {
    const report = JSON.parse(await readFile(join(ROOT, 'dist/bundle-size.json'), 'utf8')) as {
      initial: { files: { file: string }[] };
      shopper: { files: { file: string }[]; locale: string };
      total: { files: { file: string }[] };
    };
    const onDisk = async (file: string) => gzipSync(await readFile(join(ROOT, 'dist/cdn', file)), { level: 9 }).byteLength;
    const jsOnDisk = (await readdir(join(ROOT, 'dist/cdn'), { recursive: true })).map(String).filter((f) => f.endsWith('.js'));
    expect(report.total.files.map((f) => f.file).sort()).toEqual(jsOnDisk.sort());
    expect(report.initial.files.map((f) => f.file)).toContain('try-on-button.js');
    // The shopper's set: every file but four of the five locale chunks, and the one kept is the largest.
    const locales = jsOnDisk.filter((f) => /^chunks\/(en|de|fr|es|ja)-[\w-]+\.js$/.test(f));
    expect(locales).toHaveLength(5);
    const shopperFiles = report.shopper.files.map((f) => f.file).sort();
    expect(shopperFiles).toEqual(jsOnDisk.filter((f) => !locales.includes(f) || f === report.shopper.locale).sort());
    const localeSizes = await Promise.all(locales.map(onDisk));
    expect(await onDisk(report.shopper.locale)).toBe(Math.max(...localeSizes));
    const sumOf = async (files: { file: string }[]) => (await Promise.all(files.map((f) => onDisk(f.file)))).reduce((a, b) => a + b, 0);
    const lines: string[] = [];
    for (const f of report.total.files) {
      lines.push(`${report.initial.files.some((i) => i.file === f.file) ? '*' : ' '} ${f.file}: ${kb(await onDisk(f.file))} gzip`);
    }
    return { initial: await sumOf(report.initial.files), shopper: await sumOf(report.shopper.files), total: await sumOf(report.total.files), files: lines };
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

  it(`what a product page loads before the button is used is at most ${INITIAL_BUDGET_GZIP / 1024} KB gzip`, async () => {
    const { initial, shopper, total, files } = await measured();
    console.log(
      `[size] before first use (*): ${kb(initial)} gzip, ${(initial / INITIAL_AIM_GZIP).toFixed(2)}x the 3 KB aim; ` +
        `one shopper's whole try-on: ${kb(shopper)} gzip; everything hosted: ${kb(total)} gzip\n[size]   ${files.join('\n[size]   ')}`,
    );
    expect(initial, `before first use: ${kb(initial)} gzip`).toBeLessThanOrEqual(INITIAL_BUDGET_GZIP);
  });

  it('the loader does not bring Lit, and no lazy chunk imports the entry (its URL may carry a ?v= query)', async () => {
    const report = JSON.parse(await readFile(join(ROOT, 'dist/bundle-size.json'), 'utf8')) as { initial: { files: { file: string }[] } };
    for (const { file } of report.initial.files) {
      const code = await readFile(join(ROOT, 'dist/cdn', file), 'utf8');
      // Every Lit build registers its version on globalThis under these names.
      expect(code, file).not.toMatch(/litHtmlVersions|reactiveElementVersions|litElementVersions/);
    }
    const chunks = (await readdir(join(ROOT, 'dist/cdn/chunks'))).filter((f) => f.endsWith('.js'));
    for (const chunk of chunks) {
      expect(await readFile(join(ROOT, 'dist/cdn/chunks', chunk), 'utf8'), chunk).not.toMatch(/from\s*["']\.\.\/try-on-button\.js["']/);
    }
  });

  it(`one shopper's whole widget (loader, panel with Lit, worker, one locale) does not grow past ${SHOPPER_CEILING_GZIP / 1024} KB gzip`, async () => {
    const { shopper } = await measured();
    const status = shopper <= SHOPPER_BUDGET_GZIP ? 'within' : `${kb(shopper - SHOPPER_BUDGET_GZIP)} over`;
    console.log(`one shopper's whole try-on: ${kb(shopper)} gzip, ${status} the issue's ${SHOPPER_BUDGET_GZIP / 1024} KB budget`);
    expect(shopper, `one shopper's whole try-on: ${kb(shopper)} gzip`).toBeLessThanOrEqual(SHOPPER_CEILING_GZIP);
  });

  it('loaded from a CDN on another origin, runs a whole try-on with its worker', async () => {
    await crossOriginTryOn(browser, join(ROOT, 'dist/cdn'));
  }, 90_000);
});
