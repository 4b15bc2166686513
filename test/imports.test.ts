/**
 * The import graph of src/, read with the TypeScript compiler's parser: every `import` and
 * `export … from`, type-only ones included, every `import()` call and every `import('…')` type.
 * Imports point one way (element → controllers → client/worker → protocol) and there is no
 * cycle, not even one made only of types: a cycle through types still ties the files' designs
 * together, and a bundler may turn the next value import added along it into an evaluation
 * order bug.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');

interface Edge {
  /** The imported file relative to the repository (`src/…`), or the package name. */
  to: string;
  /** Type-only (`import type`, `import('…')` in a type), dynamic (`import()`), or a plain import. */
  kind: 'static' | 'type' | 'dynamic';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier `file` names, with how it names it. */
export function importsOf(file: string, text: string): { specifier: string; kind: Edge['kind'] }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { specifier: string; kind: Edge['kind'] }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      // `import { type A, type B }` with nothing but types is type-only too.
      const onlyTypes =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, kind: onlyTypes ? 'type' : 'static' });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, kind: node.isTypeOnly ? 'type' : 'static' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push({ specifier: arg.text, kind: 'dynamic' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, kind: 'type' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** src/ as a graph: repository-relative file → its edges (relative specifiers resolved, queries dropped). */
function graph(): Map<string, Edge[]> {
  const nodes = new Map<string, Edge[]>();
  for (const path of sourceFiles(SRC)) {
    const edges = importsOf(path, readFileSync(path, 'utf8')).map(({ specifier, kind }): Edge => {
      const bare = specifier.split('?')[0]!;
      const to = bare.startsWith('.') ? relative(ROOT, resolve(dirname(path), bare)) : bare;
      return { to, kind };
    });
    nodes.set(relative(ROOT, path), edges);
  }
  return nodes;
}

/**
 * One cycle for every back edge of a depth-first walk, as the path of files that closes it. No
 * back edge means no cycle at all; the paths say where to cut.
 */
function cycles(nodes: Map<string, Edge[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const walk = (file: string): void => {
    state.set(file, 'active');
    stack.push(file);
    for (const { to } of nodes.get(file) ?? []) {
      if (!nodes.has(to)) continue;
      if (state.get(to) === 'active') found.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) walk(to);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...nodes.keys()].sort()) if (!state.has(file)) walk(file);
  return found;
}

const nodes = graph();
const under = (prefix: string) => (file: string) => file.startsWith(prefix);

/** `from → to` for every edge of a file matching `from` to a target matching `to`. */
function offending(from: (file: string) => boolean, to: (target: string) => boolean): string[] {
  return [...nodes]
    .filter(([file]) => from(file))
    .flatMap(([file, edges]) => edges.filter((edge) => to(edge.to)).map((edge) => `${file} → ${edge.to} (${edge.kind})`));
}

describe('the import graph of src/', () => {
  it('is read: the parser sees every kind of import', () => {
    const text = `import a from './a.ts'; import type { B } from './b.ts'; import { type C } from './c.ts';
      export { d } from './d.ts'; export type { E } from './e.ts'; const f = () => import('./f.ts');
      type G = typeof import('./g.ts'); import h from './h.ts?worker&url';`;
    expect(importsOf('x.ts', text)).toEqual([
      { specifier: './a.ts', kind: 'static' },
      { specifier: './b.ts', kind: 'type' },
      { specifier: './c.ts', kind: 'type' },
      { specifier: './d.ts', kind: 'static' },
      { specifier: './e.ts', kind: 'type' },
      { specifier: './f.ts', kind: 'dynamic' },
      { specifier: './g.ts', kind: 'type' },
      { specifier: './h.ts?worker&url', kind: 'static' },
    ]);
    expect(nodes.get('src/element/try-on-button.ts')?.length, 'the element imports something').toBeGreaterThan(0);
    expect(
      cycles(
        new Map([
          ['a', [{ to: 'b', kind: 'type' }]],
          ['b', [{ to: 'a', kind: 'dynamic' }]],
        ]),
      ),
    ).toEqual([['a', 'b', 'a']]);
  });

  it('has no cycle in the browser code, not even through type-only or dynamic imports', () => {
    const server = under('src/server/');
    expect(
      cycles(nodes)
        .filter((cycle) => !cycle.some(server))
        .map((cycle) => cycle.join(' → ')),
    ).toEqual([]);
  });

  it('has no cycle in the server either', () => {
    const server = under('src/server/');
    expect(
      cycles(nodes)
        .filter((cycle) => cycle.some(server))
        .map((cycle) => cycle.join(' → ')),
    ).toEqual([]);
  });

  it('protocol.ts imports nothing of ours: both sides build on it', () => {
    expect(offending((f) => f === 'src/protocol.ts', under('src/'))).toEqual([]);
  });

  it('the client and the worker never reach up into the element (nor the server)', () => {
    expect(
      offending(
        (f) => under('src/client/')(f) || under('src/worker/')(f),
        (t) => under('src/element/')(t) || under('src/server/')(t),
      ),
    ).toEqual([]);
  });

  it("the element's controllers never import the panel, a view or the element class", () => {
    const upward = (t: string) =>
      under('src/element/views/')(t) ||
      ['src/element/panel.ts', 'src/element/try-on-button.ts', 'src/element/define.ts', 'src/element/reactive-host.ts'].includes(t);
    expect(offending(under('src/element/controllers/'), upward)).toEqual([]);
  });

  it('views are functions of state: of a controller they import only its types, and never the panel', () => {
    const wrong = offending(under('src/element/views/'), (t) => under('src/element/controllers/')(t) || t === 'src/element/panel.ts');
    expect(wrong.filter((edge) => !edge.endsWith('(type)') || edge.includes('panel.ts'))).toEqual([]);
  });

  it('only the element loads the panel, and only on demand (a dynamic import)', () => {
    const edges = offending(
      () => true,
      (t) => t === 'src/element/panel.ts',
    );
    expect([...new Set(edges)].sort()).toEqual([
      'src/element/try-on-button.ts → src/element/panel.ts (dynamic)',
      'src/element/try-on-button.ts → src/element/panel.ts (type)',
    ]);
  });

  it('nothing imports floating-ui: both shapes of the panel are the native <dialog>, placed by CSS alone', () => {
    expect(
      offending(
        () => true,
        (t) => t.startsWith('@floating-ui/'),
      ),
    ).toEqual([]);
  });

  it('the browser code and the server share only protocol.ts', () => {
    const browser = (f: string) => under('src/element/')(f) || under('src/client/')(f) || under('src/worker/')(f);
    expect(offending(browser, under('src/server/'))).toEqual([]);
    expect(offending(under('src/server/'), browser)).toEqual([]);
  });
});
