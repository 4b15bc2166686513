/**
 * Copies the script-tag build (dist/cdn) into the theme app extension's assets/ folder.
 *
 * Shopify refuses sub-folders in a theme app extension's assets/ and accepts only a few file
 * types (.js, .css, .json, .png, .svg, .jpg, .jpeg, .wasm), so the build's `chunks/` folder is
 * flattened, references between files are rewritten to siblings, and source maps are left out.
 * The copy is generated, not committed (shopify/.gitignore): src/ stays the one source of truth.
 *
 *   npm run build:widget && npx tsx shopify/scripts/copy-widget.ts [--from dist/cdn] [--to <assets dir>]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, posix, relative, sep } from 'node:path';
import { requireWidgetBuild, runCopyScript, withoutSourceMapComment } from '../../scripts/widget-copy.ts';

/** File types Shopify accepts in a theme app extension's assets/. */
export const SHOPIFY_ASSET_TYPES = ['.js', '.css', '.json', '.png', '.svg', '.jpg', '.jpeg', '.wasm'] as const;

const TEXT_TYPES = new Set(['.js', '.css', '.json', '.svg']);
// A quoted specifier: the build refers to its own files only through string literals.
const QUOTED = /(["'`])([^"'`\s]{1,300}?)\1/g;

export interface FlatCopyResult {
  /** Flat file names written to the destination. */
  files: string[];
  /** How many references between files were rewritten. */
  rewritten: number;
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(root, full) : [relative(root, full).split(sep).join('/')];
  });
}

/**
 * Flattens `from` into `to` (which is emptied first). Throws, naming the file, when a file type
 * is not allowed on Shopify, two files would share a name, or a reference cannot be resolved.
 */
export function copyWidgetFlat(from: string, to: string): FlatCopyResult {
  requireWidgetBuild(from);
  const sources = listFiles(from).filter((path) => !path.endsWith('.map'));
  const known = new Set(sources);
  const flatNames = new Map<string, string>();
  for (const path of sources) {
    const type = extname(path).toLowerCase();
    if (!(SHOPIFY_ASSET_TYPES as readonly string[]).includes(type)) {
      throw new Error(`${path}: Shopify does not accept ${type || 'extension-less'} files in assets/.`);
    }
    const flat = basename(path);
    const clash = [...flatNames].find(([, name]) => name === flat);
    if (clash) throw new Error(`${path} and ${clash[0]} would both be assets/${flat}.`);
    flatNames.set(path, flat);
  }

  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  let rewritten = 0;
  for (const path of sources) {
    const flat = flatNames.get(path)!;
    const type = extname(path).toLowerCase();
    if (!TEXT_TYPES.has(type)) {
      writeFileSync(join(to, flat), readFileSync(join(from, path)));
      continue;
    }
    const dir = posix.dirname(path);
    let text = withoutSourceMapComment(readFileSync(join(from, path), 'utf8'));
    text = text.replace(QUOTED, (match, quote: string, specifier: string) => {
      if (!specifier.includes('/') || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(specifier)) return match;
      const target = posix.normalize(posix.join(dir, specifier));
      const targetFlat = known.has(target) ? flatNames.get(target) : undefined;
      if (!targetFlat) return match;
      rewritten++;
      return `${quote}${specifier.startsWith('.') ? './' : ''}${targetFlat}${quote}`;
    });
    writeFileSync(join(to, flat), text);
  }

  // Whatever still points into a folder, or at a file that was not copied, would 404 on
  // Shopify's asset host.
  const written = new Set(flatNames.values());
  for (const flat of written) {
    if (!TEXT_TYPES.has(extname(flat).toLowerCase())) continue;
    const text = readFileSync(join(to, flat), 'utf8');
    for (const [, , specifier = ''] of text.matchAll(QUOTED)) {
      if (!/^\.{1,2}\/.+\.(?:js|css|json|wasm)$/.test(specifier)) continue;
      const sibling = specifier.startsWith('./') ? specifier.slice(2) : '';
      if (sibling.includes('/') || !written.has(sibling)) {
        throw new Error(`assets/${flat} refers to ${specifier}, which is not a flat asset.`);
      }
    }
  }
  return { files: [...flatNames.values()].sort(), rewritten };
}

runCopyScript(import.meta.url, 'shopify/extensions/try-on/assets', (from, to) => {
  const { files, rewritten } = copyWidgetFlat(from, to);
  return { files, detail: `${rewritten} references made flat` };
});
