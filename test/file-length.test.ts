/**
 * The code stays in files one can read in one sitting: none in src/ over 400 lines unless its
 * opening comment says why ("… over 400 lines because …").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MAX_LINES = 400;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The file's opening comment (`/** … *\/` or `//` lines), where a long file says why it is long. */
export function openingComment(text: string): string {
  const block = /^\s*\/\*[\s\S]*?\*\//.exec(text);
  if (block) return block[0];
  return /^(\s*\/\/.*\n)+/.exec(text)?.[0] ?? '';
}

export function tooLong(text: string): boolean {
  return text.split('\n').length > MAX_LINES && !/over 400 lines because/i.test(openingComment(text));
}

describe('source files', () => {
  it('are at most 400 lines, or say at their top why they are longer', () => {
    const files = sources(join(ROOT, 'src'));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((file) => tooLong(readFileSync(file, 'utf8'))).map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('the check itself: a long file passes only with its reason at the top', () => {
    const body = 'export const x = 1;\n'.repeat(MAX_LINES + 1);
    expect(tooLong(body)).toBe(true);
    expect(tooLong(`/**\n * Over 400 lines because the table and its notes belong together.\n */\n${body}`)).toBe(false);
    expect(tooLong(`${body}// over 400 lines because of nothing: a reason at the bottom does not count\n`)).toBe(true);
    expect(tooLong('export const y = 2;\n'.repeat(MAX_LINES - 1))).toBe(false);
  });
});
