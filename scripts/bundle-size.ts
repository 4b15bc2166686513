/**
 * Gzip size report for the script-tag build. Three figures:
 * - initial: what every product page pays before the button is used (the entry and the chunks
 *   it imports statically);
 * - shopper: what one shopper downloads at most for a whole try-on: everything but the locale
 *   chunks, plus the largest locale (a shopper's panel loads exactly one language; the largest
 *   makes it the worst case);
 * - total: every JS file of the build, all five languages included (what the merchant hosts).
 */
import { gzipSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Plugin } from 'vite';

/** The subset of a Rollup/Rolldown output item this report reads. */
export type OutputItem =
  | { type: 'chunk'; fileName: string; code: string; isEntry: boolean; imports: string[]; dynamicImports: string[]; facadeModuleId: string | null }
  | { type: 'asset'; fileName: string; source: string | Uint8Array };

export interface FileSize { file: string; bytes: number; gzip: number }

export interface SizeReport {
  /** The entry and everything it imports statically: loaded on every page with the tag. */
  initial: { files: FileSize[]; bytes: number; gzip: number };
  /** One shopper's whole try-on, worst case: all but the locale chunks, plus the largest locale. */
  shopper: { files: FileSize[]; bytes: number; gzip: number; locale: string };
  /** Every JS file of the build: entry, lazy panel chunks, every locale and the worker. */
  total: { files: FileSize[]; bytes: number; gzip: number };
}

/** The module a locale chunk is loaded for (src/element/locales/<lang>.ts). */
const LOCALE_MODULE = /\/src\/element\/locales\/[a-z]{2}\.ts$/;

function sizeOf(file: string, content: string | Uint8Array): FileSize {
  const buffer = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
  return { file, bytes: buffer.byteLength, gzip: gzipSync(buffer, { level: 9 }).byteLength };
}

function sum(files: FileSize[]) {
  return {
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    gzip: files.reduce((n, f) => n + f.gzip, 0),
  };
}

/** Measures a bundle; `entryFile` is the output file name of the script-tag entry. */
export function measureBundle(bundle: Record<string, OutputItem>, entryFile: string): SizeReport {
  const items = Object.values(bundle);
  const isJs = (name: string) => name.endsWith('.js') || name.endsWith('.mjs');
  const byName = new Map(items.map((item) => [item.fileName, item]));
  const entry = byName.get(entryFile);
  if (!entry || entry.type !== 'chunk') throw new Error(`Entry ${entryFile} is not in the bundle.`);

  // Walk static imports only: dynamic imports are what the page does NOT pay up front.
  const initialNames = new Set<string>();
  const queue = [entry.fileName];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (initialNames.has(name)) continue;
    initialNames.add(name);
    const item = byName.get(name);
    if (item?.type === 'chunk') queue.push(...item.imports);
  }

  const measure = (item: OutputItem) => sizeOf(item.fileName, item.type === 'chunk' ? item.code : item.source);
  const all = items.filter((item) => isJs(item.fileName)).map(measure);
  const initial = all.filter((f) => initialNames.has(f.file));
  const localeNames = new Set(
    items.filter((item) => item.type === 'chunk' && LOCALE_MODULE.test(item.facadeModuleId ?? '')).map((item) => item.fileName),
  );
  const locales = all.filter((f) => localeNames.has(f.file)).sort((a, b) => b.gzip - a.gzip);
  const largest = locales[0];
  if (!largest) throw new Error('No locale chunk in the bundle: the languages are expected as chunks of their own.');
  const shopper = all.filter((f) => !localeNames.has(f.file) || f === largest);
  return { initial: sum(initial), shopper: { ...sum(shopper), locale: largest.file }, total: sum(all) };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

/** Human-readable lines for the build log. */
export function formatReport(report: SizeReport): string {
  const lines = ['', 'try-on-button bundle size (gzip -9):'];
  for (const f of report.total.files) {
    const mark = report.initial.files.some((i) => i.file === f.file) ? '*' : ' ';
    lines.push(`  ${mark} ${f.file.padEnd(44)} ${kb(f.bytes).padStart(9)}  gzip ${kb(f.gzip).padStart(8)}`);
  }
  lines.push(`  before first use (*): ${kb(report.initial.gzip)} gzip (${report.initial.gzip} B; aim 3 kB: ${(report.initial.gzip / 3072).toFixed(2)}x)`);
  lines.push(`  one shopper's whole try-on (all but the locales + ${report.shopper.locale}): ${kb(report.shopper.gzip)} gzip (${report.shopper.gzip} B)`);
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
    generateBundle(_output, bundle) {
      const report = measureBundle(bundle as unknown as Record<string, OutputItem>, options.entryFile);
      mkdirSync(dirname(options.jsonPath), { recursive: true });
      writeFileSync(options.jsonPath, JSON.stringify(report, null, 2) + '\n');
      // The size report is the point of this plugin, so it goes to the build log, through Vite's
      // logger: `vite build` shows it, and `npm start` (--logLevel error) keeps a newcomer's start quiet.
      this.environment.logger.info(formatReport(report));
    },
  };
}
