/**
 * What the platform copy scripts (shopify/scripts/copy-widget.ts, woocommerce/scripts/copy-widget.ts)
 * share: the check that the script-tag build exists, dropping source map comments, and the
 * command line (`[--from dist/cdn] [--to <dir>]`, a one-line report, exit 1 with the reason).
 */
import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const SOURCE_MAP_COMMENT = /\n?\/[/*][#@] sourceMappingURL=[^\s*]+(?: \*\/)?\s*$/;

/** Throws with what to run when `from` holds no widget build. */
export function requireWidgetBuild(from: string): void {
  const entry = join(from, 'try-on-button.js');
  try {
    statSync(entry);
  } catch {
    throw new Error(`${entry} is missing: run \`npm run build:widget\` first.`);
  }
}

/** The file's text without its trailing `sourceMappingURL` comment: the maps are not copied. */
export function withoutSourceMapComment(text: string): string {
  return text.replace(SOURCE_MAP_COMMENT, '\n');
}

/** What a copy wrote: file names relative to the destination, and an optional detail for the report. */
export interface CopyReport {
  files: string[];
  detail?: string;
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

/**
 * When the module at `moduleUrl` is the script Node was started with, runs `copy` from `--from`
 * (default dist/cdn) to `--to` (default `defaultTo`, relative to the repository) and reports.
 */
export function runCopyScript(moduleUrl: string, defaultTo: string, copy: (from: string, to: string) => CopyReport): void {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  const from = resolve(argument('--from', join(REPO, 'dist/cdn')));
  const to = resolve(argument('--to', join(REPO, defaultTo)));
  try {
    const { files, detail } = copy(from, to);
    console.log(
      `Copied ${files.length} files to ${relative(process.cwd(), to) || '.'}${detail ? ` (${detail})` : ''}: ${files.join(', ')}`,
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
