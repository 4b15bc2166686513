/**
 * Copies the script-tag build (dist/cdn) into the plugin at try-on-button/assets/widget/, so the
 * plugin serves the widget from the shop's own site (WordPress.org refuses plugins that load
 * code from a third-party CDN). Source maps are left out to keep the plugin zip small; the
 * readme links to the source. The copy is generated, not committed (woocommerce/.gitignore).
 *
 *   npm run build:widget && npx tsx woocommerce/scripts/copy-widget.ts [--from dist/cdn] [--to <dir>]
 */
import { cpSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_MAP_COMMENT = /\n?\/[/*][#@] sourceMappingURL=[^\s*]+(?: \*\/)?\s*$/;

/** Copies `from` into `to` (emptied first) without source maps; returns the relative paths written. */
export function copyWidget(from: string, to: string): string[] {
  const entry = join(from, 'try-on-button.js');
  try {
    statSync(entry);
  } catch {
    throw new Error(`${entry} is missing: run \`npm run build:widget\` first.`);
  }
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, filter: (source) => !source.endsWith('.map') });
  const written = (readdirSync(to, { recursive: true }) as string[])
    .map((path) => path.split('\\').join('/'))
    .filter((path) => statSync(join(to, path)).isFile())
    .sort();
  for (const path of written.filter((path) => path.endsWith('.js') || path.endsWith('.css'))) {
    const full = join(to, path);
    writeFileSync(full, readFileSync(full, 'utf8').replace(SOURCE_MAP_COMMENT, '\n'));
  }
  return written;
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const from = resolve(argument('--from', join(repo, 'dist/cdn')));
  const to = resolve(argument('--to', join(repo, 'woocommerce/try-on-button/assets/widget')));
  try {
    const files = copyWidget(from, to);
    console.log(`Copied ${files.length} files to ${relative(process.cwd(), to) || '.'}: ${files.join(', ')}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
