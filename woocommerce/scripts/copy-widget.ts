/**
 * Copies the script-tag build (dist/cdn) into the plugin at try-on-button/assets/widget/, so the
 * plugin serves the widget from the shop's own site (WordPress.org refuses plugins that load
 * code from a third-party CDN). Source maps are left out to keep the plugin zip small; the
 * readme links to the source. The copy is generated, not committed (woocommerce/.gitignore).
 *
 *   npm run build:widget && npx tsx woocommerce/scripts/copy-widget.ts [--from dist/cdn] [--to <dir>]
 */
import { cpSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireWidgetBuild, runCopyScript, withoutSourceMapComment } from '../../scripts/widget-copy.ts';

/** Copies `from` into `to` (emptied first) without source maps; returns the relative paths written. */
export function copyWidget(from: string, to: string): string[] {
  requireWidgetBuild(from);
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, filter: (source) => !source.endsWith('.map') });
  const written = (readdirSync(to, { recursive: true }) as string[])
    .map((path) => path.split('\\').join('/'))
    .filter((path) => statSync(join(to, path)).isFile())
    .sort();
  for (const path of written.filter((path) => path.endsWith('.js') || path.endsWith('.css'))) {
    const full = join(to, path);
    writeFileSync(full, withoutSourceMapComment(readFileSync(full, 'utf8')));
  }
  return written;
}

runCopyScript(import.meta.url, 'woocommerce/try-on-button/assets/widget', (from, to) => ({ files: copyWidget(from, to) }));
