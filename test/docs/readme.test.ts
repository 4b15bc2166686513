/**
 * The README is the merchants' reference: it must name every public attribute, part, event and
 * CSS property the element documents in its JSDoc (the source of custom-elements.json), every
 * environment variable the endpoint reads, and its code examples must at least compile.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { QUICKSTART_BLOCKS, quickstartBlocks } from '../package/quickstart.ts';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const elementSource = readFileSync(new URL('src/element/try-on-button.ts', root), 'utf8');

/** Names documented with `@tag name - ...` (or `@tag [name=default] - ...`) in the class JSDoc. */
function jsdocNames(tag: string): string[] {
  const pattern = new RegExp(String.raw`^\s*\*\s*@${tag}\s+\[?([\w-]+)`, 'gm');
  return [...elementSource.matchAll(pattern)].map((m) => m[1]!);
}

/** The README text between a `### heading` and the next heading of the same or higher level. */
function section(heading: string): string {
  const start = readme.indexOf(`\n### ${heading}\n`);
  expect(start, `README has a "### ${heading}" section`).toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + heading.length + 6);
  const end = rest.search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('README documents the element', () => {
  const cases: Array<[tag: string, heading: string]> = [
    ['attr', 'Attributes'],
    ['csspart', 'Parts'],
    ['fires', 'Events'],
    ['cssprop', 'CSS custom properties'],
  ];
  for (const [tag, heading] of cases) {
    it(`lists every @${tag} of the JSDoc under "${heading}"`, () => {
      const names = jsdocNames(tag);
      expect(names.length).toBeGreaterThan(3);
      const text = section(heading);
      const missing = names.filter((name) => !text.includes(`\`${name}\``));
      expect(missing, `missing from README "${heading}"`).toEqual([]);
    });
  }

  it('documents the default slot', () => {
    expect(elementSource).toMatch(/@slot\b/);
    expect(readme).toMatch(/slot/i);
  });
});

describe('framework typings', () => {
  it('type every writable attribute of the element for React and Vue', () => {
    const typings = readFileSync(new URL('src/frameworks/attributes.ts', root), 'utf8');
    const writable = jsdocNames('attr').filter((name) => name !== 'status');
    const missing = writable.filter((name) => !new RegExp(String.raw`^\s*'?${name}'?\??:`, 'm').test(typings));
    expect(missing).toEqual([]);
  });
});

describe('README documents the endpoint configuration', () => {
  it('has a row for every environment variable the server reads', () => {
    const files = ['src/server/config.ts', 'src/server/runtimes/cli.ts', 'src/server/limits/limits-config.ts'];
    const read = new Set<string>();
    for (const file of files) {
      const text = readFileSync(new URL(file, root), 'utf8');
      for (const m of text.matchAll(/\b(TRYON_[A-Z_]*[A-Z]|REDIS_URL|PORT|HOST)\b/g)) read.add(m[1]!);
    }
    // Per-fallback variables are a pattern, documented once as TRYON_<NAME>_API_KEY.
    const names = [...read].filter((name) => !/^TRYON_(VISTOURE|VTRYON|VIRTUFIT|VTRY|PIXAZO)/.test(name));
    expect(names.length).toBeGreaterThan(10);
    const table = section('Configuration');
    const missing = names.filter((name) => !table.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});

describe('README code examples', () => {
  const blocks = [...readme.matchAll(/```(js|ts|tsx|jsx)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));

  it('has JavaScript and TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  it.each(blocks.map((block, index) => [index, block] as const))('example %i compiles without syntax errors', (_index, block) => {
    const result = ts.transpileModule(block.code, {
      reportDiagnostics: true,
      fileName: `example.${block.lang}`,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, jsx: ts.JsxEmit.Preserve },
    });
    const errors = (result.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors, block.code).toEqual([]);
  });
});

/** The README without the sections written for people working on the repository itself. */
function merchantPart(): string {
  return readme.replace(/\n## (Contributing|Architecture)\n[\s\S]*?(?=\n## )/g, '\n');
}

describe('README for the merchant', () => {
  it('opens with the two repository commands, labelled for contributors, then the quick start', () => {
    const [beforeQuickStart] = readme.split('\n## Quick start\n');
    expect(beforeQuickStart).toMatch(/Working on this repository/);
    expect(beforeQuickStart).toContain('npm install && npm start');
    expect(beforeQuickStart).toContain('npm test');
    expect(readme.indexOf('\n## Quick start\n')).toBeLessThan(readme.indexOf('\n## Setup checklists\n'));
    expect(readme.indexOf('\n## Setup checklists\n')).toBeLessThan(readme.indexOf('\n## Troubleshooting\n'));
    expect(readme.indexOf('\n## Troubleshooting\n')).toBeLessThan(readme.indexOf('\n## What it is\n'));
  });

  it('has the quick start blocks, and the page, the server and the curl agree on the endpoint path', () => {
    const blocks = quickstartBlocks(readme);
    expect([...blocks.keys()]).toEqual([...QUICKSTART_BLOCKS]);
    const endpoint = /endpoint="([^"]+)"/.exec(blocks.get('public/index.html')!)?.[1];
    expect(endpoint).toBe('/api/try-on');
    expect(blocks.get('server.mjs')).toContain(`basePath: '${endpoint}'`);
    expect(blocks.get('health')).toContain(`${endpoint}/health`);
    // The snippet a merchant copies says what the consent step needs.
    for (const attribute of ['garment', 'category', 'merchant', 'policy-url', 'retention']) {
      expect(blocks.get('public/index.html'), attribute).toMatch(new RegExp(`\\s${attribute}="[^"]+"`));
    }
  });

  it('every example outside Contributing and Architecture uses the published entry points, never src/ or tsx on a source', () => {
    const blocks = [...merchantPart().matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(10);
    const offenders = blocks.filter((code) => /(from|import)\s*\(?\s*['"][^'"]*\bsrc\/|tsx\s+\S*src\/|try-on-button\/src\//.test(code));
    expect(offenders).toEqual([]);
  });

  it('the npm section names every entry point package.json exports', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: Record<string, unknown> };
    const text = section('Install with npm');
    const missing = Object.keys(pkg.exports)
      .filter((key) => key !== './package.json' && key !== '.')
      .filter((key) => {
        const sub = key.slice(1); // '/cdn/*'
        return !text.includes(`try-on-button${sub.replace('/*', '/')}`) && !text.includes(`\`${sub}\``);
      });
    expect(missing).toEqual([]);
  });
});
