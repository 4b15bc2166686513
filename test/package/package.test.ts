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
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { publint } from 'publint';
import { ROOT, buildPackage, launchChromium, run, serveDir } from './helpers.ts';
import { budgetSets, type BuiltFile, type SizeReport } from '../../scripts/bundle-size.ts';
import { crossOriginTryOn } from './cross-origin.ts';
import { readmeQuickStart } from './quickstart.ts';

/** What a product page loads before the button is used (issue 12). */
const BEFORE_USE_BUDGET_GZIP = 4.5 * 1024;
/**
 * A whole try-on, everything fetched from tap to result (the panel with Lit, the client, the
 * photo worker, Turnstile's chunk and ONE locale, the largest: a panel loads exactly the language
 * it shows). On a phone the panel is the sheet, on a desktop the centred dialog: both the native
 * <dialog>, from the same files (issues 12 and 14). Not in it: the chunks fetched only after the
 * result, when the shopper uses a tool (the full-screen zoom), which have their own budget below.
 */
const PHONE_BUDGET_GZIP = 45 * 1024;
const DESKTOP_BUDGET_GZIP = 50 * 1024;
/** After the result, on demand: the zoom's chunk, fetched on the first press of its button. */
const AFTER_RESULT_BUDGET_GZIP = 3 * 1024;
/** floating-ui's middleware keep their names as strings through minification: no build file may have them. */
const FLOATING_UI = /name:\s*[`"']flip[`"']/;

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
  if (install.code !== 0)
    install = await run(NPM, ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, timeoutMs: 180_000 });
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
    expect(
      packed.some((f) => /^dist\/cdn\/chunks\/worker-[\w-]+\.js$/.test(f)),
      'the CDN build ships its worker',
    ).toBe(true);
    const unexpected = packed.filter(
      (f) => !['package.json', 'README.md', 'LICENSE'].includes(f) && !/^dist\/.+\.(js|d\.ts|json)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    // No tests, fakes, demo, sources, source maps or build leftovers.
    expect(
      packed.filter((f) => /(^|\/)(test|fakes|demo|examples|src|scripts)\/|\.map$|\.ts$(?<!\.d\.ts)|bundle-size\.json$/.test(f)),
    ).toEqual([]);
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
    const pkg = JSON.parse(await readFile(join(app, 'node_modules/try-on-button/package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      bin: unknown;
      sideEffects: unknown;
      customElements: unknown;
    };
    expect(Object.keys(pkg.exports)).toEqual(
      expect.arrayContaining([
        '.',
        './define',
        './element',
        './server',
        './node',
        './express',
        './hono',
        './next',
        './cloudflare',
        './vercel',
        './react',
        './vue',
      ]),
    );
    expect(pkg.bin).toEqual({ 'try-on-endpoint': 'dist/server/runtimes/bin.js' });
    // The same modules in src/ too: this package's own builds (the CDN bundle, the demo) read the field.
    expect(pkg.sideEffects).toEqual([
      './dist/element/define.js',
      './dist/worker/worker.js',
      './dist/server/runtimes/bin.js',
      './dist/cdn/**',
      './src/element/define.ts',
      './src/worker/worker.ts',
      './src/server/runtimes/bin.ts',
      './src/cdn.ts',
    ]);
    expect(pkg.customElements).toBe('dist/custom-elements.json');
  });

  it('custom-elements.json describes the element from its JSDoc, with the published paths', async () => {
    const manifest = JSON.parse(await readFile(join(app, 'node_modules/try-on-button/dist/custom-elements.json'), 'utf8')) as {
      modules: { path: string; declarations?: ManifestDeclaration[]; exports?: unknown[] }[];
    };
    const mod = manifest.modules.find((m) => m.path === 'dist/element/try-on-button.js');
    const element = mod?.declarations?.find((d) => d.name === 'TryOnButton');
    expect(element?.tagName).toBe('try-on-button');
    const names = (list: { name: string }[] | undefined) => (list ?? []).map((x) => x.name);
    if (!element) throw new Error('custom-elements.json has no TryOnButton');
    expect(names(element.attributes)).toEqual(
      expect.arrayContaining(['endpoint', 'garment', 'category', 'product', 'consent-version', 'policy-url']),
    );
    expect(names(element.attributes).filter((n) => n.startsWith('_'))).toEqual([]);
    expect(names(element.events)).toEqual(expect.arrayContaining(['try-on-open', 'try-on-complete', 'try-on-error']));
    expect(names(element.events).every((n) => n.startsWith('try-on-'))).toBe(true);
    expect(names(element.cssParts)).toEqual(expect.arrayContaining(['button', 'panel', 'result-image']));
    expect(element.cssProperties).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: '--try-on-accent', default: '#1f2a37' })]),
    );
    expect(element.slots).toEqual([expect.objectContaining({ name: '' })]);
    const define = manifest.modules.find((m) => m.path === 'dist/element/define.js');
    expect(define?.exports).toEqual(
      expect.arrayContaining([
        {
          kind: 'custom-element-definition',
          name: 'try-on-button',
          declaration: { name: 'TryOnButton', module: 'dist/element/try-on-button.js' },
        },
      ]),
    );
    for (const m of manifest.modules) expect(existsSync(join(app, 'node_modules/try-on-button', m.path)), m.path).toBe(true);
  });
});

/** The parts of a custom-elements.json class declaration these tests read. */
interface ManifestDeclaration {
  name: string;
  tagName?: string;
  attributes?: { name: string }[];
  events?: { name: string }[];
  cssParts?: { name: string }[];
  cssProperties?: unknown[];
  slots?: unknown[];
}

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
export const badVue: TryOnButtonVueProps = { endpoint: '/api', category: 'cape' };
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
    const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: app,
      timeoutMs: 120_000,
    });
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

describe("the README's quick start", () => {
  it("run from its code blocks in an empty folder against the tarball, ends in a shopper's try-on", async () => {
    await readmeQuickStart(browser, tarball);
  }, 300_000);
});

describe('the script-tag build', () => {
  /**
   * The build's chunk graph (dist/bundle-size.json, from Rolldown's own chunk records), checked
   * against the files on disk: the same files, the same imports as their code names, gzip sizes
   * recomputed from the bytes. A stale or hand-edited report cannot pass.
   */
  async function measured(): Promise<{
    files: Map<string, BuiltFile & { code: string }>;
    sets: ReturnType<typeof budgetSets>;
    sum: (names: string[]) => number;
    table: string;
  }> {
    const report = JSON.parse(await readFile(join(ROOT, 'dist/bundle-size.json'), 'utf8')) as SizeReport;
    const jsOnDisk = (await readdir(join(ROOT, 'dist/cdn'), { recursive: true })).map(String).filter((f) => f.endsWith('.js'));
    expect(report.files.map((f) => f.file).sort()).toEqual(jsOnDisk.sort());
    const files = new Map<string, BuiltFile & { code: string }>();
    for (const f of report.files) {
      const bytes = await readFile(join(ROOT, 'dist/cdn', f.file));
      const code = bytes.toString('utf8');
      // Every relative import the code makes, static or dynamic, is in the graph, and nothing else.
      const named = [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*[`"'](\.\/[^`"']+\.js)[`"']/g)]
        .map((m) => join(dirname(f.file), m[1]!))
        .sort();
      expect(named, `imports of ${f.file}`).toEqual([...f.imports, ...f.dynamicImports].sort());
      files.set(f.file, { ...f, code, bytes: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength });
    }
    const sets = budgetSets([...files.values()]);
    // The report's sets are the ones its own graph gives.
    expect(report.initial.files.map((f) => f.file)).toEqual(sets.initial);
    expect(report.phone.files.map((f) => f.file)).toEqual(sets.phone);
    expect(report.desktop.files.map((f) => f.file)).toEqual(sets.desktop);
    expect(report.afterResult.files.map((f) => f.file)).toEqual(sets.afterResult);
    const sum = (names: string[]) => names.reduce((n, name) => n + files.get(name)!.gzip, 0);
    const mark = (names: string[], letter: string, file: string) => (names.includes(file) ? letter : '.');
    const table = [...files.values()]
      .map(
        (f) =>
          `${mark(sets.initial, 'B', f.file)}${mark(sets.phone, 'P', f.file)}${mark(sets.desktop, 'D', f.file)}${mark(sets.afterResult, 'A', f.file)} ${f.file} (${f.kind}): ${kb(f.gzip)} gzip`,
      )
      .join('\n[size]   ');
    return { files, sets, sum, table };
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

  it(`before the button is used a product page loads at most ${BEFORE_USE_BUDGET_GZIP / 1024} KB gzip`, async () => {
    const { sets, sum, table } = await measured();
    console.log(
      `[size] before use (B): ${kb(sum(sets.initial))}; a try-on on a phone (P): ${kb(sum(sets.phone))}; on a desktop (D): ${kb(sum(sets.desktop))}; after the result, on demand (A): ${kb(sum(sets.afterResult))} (gzip -9)\n[size]   ${table}`,
    );
    expect(sets.initial).toContain('try-on-button.js');
    expect(sum(sets.initial), `before use: ${kb(sum(sets.initial))} gzip`).toBeLessThanOrEqual(BEFORE_USE_BUDGET_GZIP);
  });

  it('the loader does not bring Lit, and no lazy chunk imports the entry (its URL may carry a ?v= query)', async () => {
    const { files, sets } = await measured();
    for (const file of sets.initial) {
      // Every Lit build registers its version on globalThis under these names.
      expect(files.get(file)!.code, file).not.toMatch(/litHtmlVersions|reactiveElementVersions|litElementVersions/);
    }
    for (const [file, { code }] of files) {
      if (file.startsWith('chunks/')) expect(code, file).not.toMatch(/from\s*["'`]\.\.\/try-on-button\.js["'`]/);
    }
  });

  it(`a whole try-on on a phone fetches at most ${PHONE_BUDGET_GZIP / 1024} KB gzip`, async () => {
    const { files, sets, sum } = await measured();
    // Counted: the panel, the worker and exactly one locale, the largest.
    const locales = [...files.values()].filter((f) => f.kind === 'locale');
    expect(locales.map((f) => f.file.replace(/-[\w-]+\.js$/, '')).sort()).toEqual([
      'chunks/de',
      'chunks/en',
      'chunks/es',
      'chunks/fr',
      'chunks/ja',
    ]);
    expect(sets.phone.filter((f) => files.get(f)!.kind === 'locale')).toEqual([sets.locale]);
    expect(files.get(sets.locale)!.gzip).toBe(Math.max(...locales.map((f) => f.gzip)));
    expect(
      sets.phone.some((f) => files.get(f)!.kind === 'worker'),
      'the photo worker',
    ).toBe(true);
    const phone = sum(sets.phone);
    expect(phone, `a try-on on a phone: ${kb(phone)} gzip`).toBeLessThanOrEqual(PHONE_BUDGET_GZIP);
  });

  it(`a whole try-on on a desktop fetches at most ${DESKTOP_BUDGET_GZIP / 1024} KB gzip: the phone's files, and no build file contains floating-ui`, async () => {
    const { files, sets, sum } = await measured();
    expect(sets.desktop).toEqual(sets.phone);
    expect([...files.values()].filter((f) => FLOATING_UI.test(f.code)).map((f) => f.file)).toEqual([]);
    const desktop = sum(sets.desktop);
    expect(desktop, `a try-on on a desktop: ${kb(desktop)} gzip`).toBeLessThanOrEqual(DESKTOP_BUDGET_GZIP);
  });

  it(`after the result, on demand, the zoom's chunk is at most ${AFTER_RESULT_BUDGET_GZIP / 1024} KB gzip and outside the try-on's figures`, async () => {
    const { files, sets, sum } = await measured();
    const onDemand = [...files.values()].filter((f) => f.kind === 'on-demand').map((f) => f.file);
    expect(onDemand.map((f) => f.replace(/-[\w-]+\.js$/, ''))).toEqual(['chunks/zoom']);
    expect(sets.afterResult).toEqual(onDemand);
    // Loaded by import() from the panel alone: nothing fetched up to the result imports it statically.
    for (const file of sets.phone) expect(files.get(file)!.imports, file).not.toContain(onDemand[0]);
    expect(sets.phone.filter((f) => sets.afterResult.includes(f))).toEqual([]);
    const after = sum(sets.afterResult);
    expect(after, `after the result, on demand: ${kb(after)} gzip`).toBeLessThanOrEqual(AFTER_RESULT_BUDGET_GZIP);
  });

  it('loaded from a CDN on another origin, runs a whole try-on with its worker', async () => {
    await crossOriginTryOn(browser, join(ROOT, 'dist/cdn'));
  }, 90_000);
});
