/**
 * Gzip size report for the script-tag build, from the build's own chunk graph. The figures the
 * budgets are set on (test/package/package.test.ts enforces them):
 * - before use: what every product page pays before the button is used (the entry and the
 *   chunks it imports statically);
 * - phone: everything a whole try-on fetches on a phone, from tap to result: the entry's static
 *   and dynamic imports, plus the photo worker and ONE locale, the largest (a panel loads exactly
 *   the language it shows; the largest makes it the worst case). Turnstile's chunk is in: a
 *   merchant who turns Turnstile on makes every shopper load it. Chunks loaded only after the
 *   result, on demand, are left out;
 * - desktop: the same files. Both shapes of the panel (the sheet and the centred dialog) are the
 *   native <dialog> and need no placement code; the figure stays in the report, as its own
 *   budget, so that code loaded for a desktop alone would show there;
 * - after the result, on demand: the chunks a shopper fetches only by using a tool of the result
 *   (the full-screen zoom, on the first press of its button) and what they alone import. Not part
 *   of the wait for a result, so outside the phone and desktop figures, with a budget of its own
 *   so it cannot grow unnoticed either;
 * - total: every JS file of the build, all five languages included (what the merchant hosts).
 */
import { gzipSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Plugin } from 'vite';

/** The subset of a Rollup/Rolldown output item this report reads. */
export type OutputItem =
  | {
      type: 'chunk';
      fileName: string;
      code: string;
      isEntry: boolean;
      imports: string[];
      dynamicImports: string[];
      facadeModuleId: string | null;
    }
  | { type: 'asset'; fileName: string; source: string | Uint8Array };

/**
 * What a file is for: the entry, a locale, the photo worker, a chunk loaded only after the result
 * on demand (the zoom), or another chunk (the panel, the chunk the entry shares with it, Turnstile's).
 */
export type FileKind = 'entry' | 'locale' | 'worker' | 'on-demand' | 'chunk';

export interface FileSize {
  file: string;
  bytes: number;
  gzip: number;
}

/** One JS file of the build with its place in the chunk graph. */
export interface BuiltFile extends FileSize {
  kind: FileKind;
  /** Files it imports statically (loaded with it). */
  imports: string[];
  /** Files it imports with `import()` (loaded when needed). */
  dynamicImports: string[];
}

export interface SizeTotal {
  files: FileSize[];
  bytes: number;
  gzip: number;
}

export interface SizeReport {
  /** Every JS file of the build, with its kind and imports. */
  files: BuiltFile[];
  /** The entry and everything it imports statically: loaded on every page with the tag. */
  initial: SizeTotal;
  /** A whole try-on on a phone (the sheet): the panel's code, the worker, the largest locale. */
  phone: SizeTotal & { locale: string };
  /** A whole try-on on a desktop (the centred dialog): the same files as on a phone. */
  desktop: SizeTotal & { locale: string };
  /** Chunks fetched only after the result, when the shopper uses a tool (the zoom). */
  afterResult: SizeTotal;
  /** Every JS file of the build: entry, lazy chunks, every locale and the worker. */
  total: SizeTotal;
}

/** The module a locale chunk is loaded for (src/element/locales/<lang>.ts). */
const LOCALE_MODULE = /\/src\/element\/locales\/[a-z]{2}\.ts$/;
/** The module the after-the-result, on-demand chunk is loaded for: the full-screen zoom. */
const ON_DEMAND_MODULE = /\/src\/element\/zoom\.ts$/;

function gzipSize(content: string | Uint8Array): { bytes: number; gzip: number } {
  const buffer = Buffer.from(content);
  return { bytes: buffer.byteLength, gzip: gzipSync(buffer, { level: 9 }).byteLength };
}

/** The files reachable from `start` through `follow`. */
function reach(byName: Map<string, BuiltFile>, start: string, follow: (f: BuiltFile) => string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    const file = byName.get(name);
    if (seen.has(name) || !file) continue;
    seen.add(name);
    queue.push(...follow(file));
  }
  return seen;
}

/**
 * The budgeted sets of files, from the graph alone (the test recomputes them with this from the
 * report's graph and the files on disk). Throws when the graph lacks what the budgets assume.
 */
export function budgetSets(files: readonly BuiltFile[]): {
  initial: string[];
  phone: string[];
  desktop: string[];
  afterResult: string[];
  locale: string;
} {
  const byName = new Map(files.map((f) => [f.file, f]));
  const entry = files.find((f) => f.kind === 'entry');
  if (!entry) throw new Error('No entry in the build.');
  const locales = files.filter((f) => f.kind === 'locale').sort((a, b) => b.gzip - a.gzip);
  const largest = locales[0];
  if (!largest) throw new Error('No locale chunk in the bundle: the languages are expected as chunks of their own.');
  const workers = files.filter((f) => f.kind === 'worker').map((f) => f.file);
  if (workers.length === 0) throw new Error('No photo worker in the build.');
  const onDemand = files.filter((f) => f.kind === 'on-demand').map((f) => f.file);
  if (onDemand.length === 0) throw new Error('No on-demand chunk in the build: the zoom is expected as a chunk of its own.');
  // Up to the result: every import except into the chunks fetched only after it, on demand.
  const upToResult = (f: BuiltFile) => [...f.imports, ...f.dynamicImports].filter((name) => byName.get(name)?.kind !== 'on-demand');
  // One locale per shopper: every other locale is left out of a try-on.
  const oneLocale = (names: Set<string>) =>
    [...names, ...workers].filter((name) => byName.get(name)!.kind !== 'locale' || name === largest.file).sort();
  const whole = oneLocale(reach(byName, entry.file, upToResult));
  // What the on-demand chunks bring that the try-on has not loaded already.
  const after = new Set(onDemand.flatMap((name) => [...reach(byName, name, (f) => f.imports)]).filter((name) => !whole.includes(name)));
  return {
    initial: [...reach(byName, entry.file, (f) => f.imports)].sort(),
    phone: whole,
    desktop: [...whole],
    afterResult: [...after].sort(),
    locale: largest.file,
  };
}

/** Measures a bundle; `entryFile` is the output file name of the script-tag entry. */
export function measureBundle(bundle: Record<string, OutputItem>, entryFile: string): SizeReport {
  const isJs = (name: string) => name.endsWith('.js') || name.endsWith('.mjs');
  const files: BuiltFile[] = Object.values(bundle)
    .filter((item) => isJs(item.fileName))
    .map((item): BuiltFile => {
      if (item.type === 'asset') {
        // A JS file emitted as an asset is a worker: the element starts it by URL, not by import.
        return { file: item.fileName, ...gzipSize(item.source), kind: 'worker', imports: [], dynamicImports: [] };
      }
      const facade = item.facadeModuleId ?? '';
      const kind: FileKind =
        item.fileName === entryFile
          ? 'entry'
          : LOCALE_MODULE.test(facade)
            ? 'locale'
            : ON_DEMAND_MODULE.test(facade)
              ? 'on-demand'
              : 'chunk';
      return { file: item.fileName, ...gzipSize(item.code), kind, imports: [...item.imports], dynamicImports: [...item.dynamicImports] };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
  if (!files.some((f) => f.kind === 'entry')) throw new Error(`Entry ${entryFile} is not in the bundle.`);
  const sets = budgetSets(files);
  const byName = new Map(files.map((f) => [f.file, f]));
  const total = (names: string[]): SizeTotal => {
    const sizes = names.map((name) => byName.get(name)!).map(({ file, bytes, gzip }) => ({ file, bytes, gzip }));
    return { files: sizes, bytes: sizes.reduce((n, f) => n + f.bytes, 0), gzip: sizes.reduce((n, f) => n + f.gzip, 0) };
  };
  return {
    files,
    initial: total(sets.initial),
    phone: { ...total(sets.phone), locale: sets.locale },
    desktop: { ...total(sets.desktop), locale: sets.locale },
    afterResult: total(sets.afterResult),
    total: total(files.map((f) => f.file)),
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

/** Human-readable lines for the build log: each file, the sets it is counted in, then the totals. */
export function formatReport(report: SizeReport): string {
  const lines = [
    '',
    'try-on-button bundle size (gzip -9; B = before use, P = phone try-on, D = desktop try-on, A = after the result, on demand):',
  ];
  const mark = (set: SizeTotal, letter: string, file: string) => (set.files.some((f) => f.file === file) ? letter : '.');
  for (const f of report.files) {
    const sets = `${mark(report.initial, 'B', f.file)}${mark(report.phone, 'P', f.file)}${mark(report.desktop, 'D', f.file)}${mark(report.afterResult, 'A', f.file)}`;
    lines.push(`  ${sets} ${f.file.padEnd(36)} ${f.kind.padEnd(9)} ${kb(f.bytes).padStart(9)}  gzip ${kb(f.gzip).padStart(8)}`);
  }
  lines.push(`  before use (B): ${kb(report.initial.gzip)} gzip (${report.initial.gzip} B)`);
  lines.push(`  a whole try-on on a phone (P, with ${report.phone.locale}): ${kb(report.phone.gzip)} gzip (${report.phone.gzip} B)`);
  lines.push(
    `  a whole try-on on a desktop (D, with ${report.desktop.locale}): ${kb(report.desktop.gzip)} gzip (${report.desktop.gzip} B)`,
  );
  lines.push(`  after the result, on demand (A): ${kb(report.afterResult.gzip)} gzip (${report.afterResult.gzip} B)`);
  lines.push(`  everything hosted (every locale): ${kb(report.total.gzip)} gzip (${report.total.gzip} B)`);
  return lines.join('\n');
}

/**
 * Vite plugin: prints the report after the build and writes it as JSON to `jsonPath`
 * (outside the served CDN folder) so tests and the lead can read the same figures.
 */
export function bundleSizeReport(options: { entryFile: string; jsonPath: string }): Plugin {
  return {
    name: 'try-on-button:bundle-size',
    apply: 'build',
    // After writing: later plugins still change the code during generateBundle (by ~0.1 KB).
    writeBundle(_output, bundle) {
      const report = measureBundle(bundle as unknown as Record<string, OutputItem>, options.entryFile);
      mkdirSync(dirname(options.jsonPath), { recursive: true });
      writeFileSync(options.jsonPath, JSON.stringify(report, null, 2) + '\n');
      // The size report is the point of this plugin, so it goes to the build log, through Vite's
      // logger: `vite build` shows it, and `npm start` (--logLevel error) keeps a newcomer's start quiet.
      this.environment.logger.info(formatReport(report));
    },
  };
}
