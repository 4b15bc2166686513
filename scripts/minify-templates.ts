/**
 * Vite plugin for the script-tag build: minifies the CSS and HTML written in tagged template
 * literals (Lit's `css`, `html`, `svg`, and the loader's own `css`), which the JS minifier leaves
 * as written because to it they are just strings. Indentation and comments in those literals
 * were about a quarter of the panel's bytes.
 *
 * - `css` literals without interpolations go through Lightning CSS (Vite's own CSS minifier).
 * - `html` and `svg` literals only have whitespace runs that contain a line break collapsed to
 *   one space. That keeps rendering identical (the widget has no `<pre>`, `<textarea>` or
 *   `white-space: pre` content) and keeps every text node Lit's parts count on, at the cost of
 *   the odd single space an HTML minifier would also drop between block elements.
 *
 * Not `minify-literals`: its current major needs Node 22 (html-minifier-next) and this project
 * supports Node 20; the older major pulls clean-css and html-minifier-terser for the same result.
 */
import { transform as transformCss } from 'lightningcss';
import MagicString from 'magic-string';
import { parseAst, type Plugin } from 'vite';

interface TemplateElement {
  start: number;
  end: number;
  value: { raw: string; cooked: string | null };
}
interface TaggedTemplate {
  type: 'TaggedTemplateExpression';
  tag: { type: string; name?: string };
  quasi: { quasis: TemplateElement[]; expressions: unknown[] };
}

const HTML_TAGS = new Set(['html', 'svg']);
const CSS_TAGS = new Set(['css']);

/** Escapes text for the inside of a template literal (the inverse of "cooking" it). */
function escapeTemplate(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/** Minifies the text of a `css` literal. Exported for tests. */
export function minifyCss(text: string, filename = 'template.css'): string {
  const { code } = transformCss({ filename, code: Buffer.from(text), minify: true });
  return code.toString();
}

/**
 * Collapses whitespace runs containing a line break to one space: the indentation of source
 * code, which HTML rendering collapses anyway. Works on raw template text. Exported for tests.
 */
export function collapseHtml(raw: string): string {
  return raw.replace(/[ \t]*(?:\r?\n[ \t]*)+/g, ' ');
}

/**
 * Where a quasi's raw text lies: oxc's span (unlike acorn's) includes the delimiters, the
 * backtick or `}` before and the backtick or `${` after. Checked, so a parser change skips
 * literals instead of corrupting them.
 */
function textRange(code: string, quasi: TemplateElement): [number, number] | undefined {
  const { raw } = quasi.value;
  const start = quasi.start + 1;
  const before = code[quasi.start];
  const ok =
    (before === '`' || before === '}') && code.slice(start, start + raw.length) === raw && /^(`|\$\{)/.test(code.slice(start + raw.length));
  return ok ? [start, start + raw.length] : undefined;
}

/** Every tagged template in an ESTree program, in source order. */
function taggedTemplates(node: unknown, found: TaggedTemplate[] = []): TaggedTemplate[] {
  if (!node || typeof node !== 'object') return found;
  if (Array.isArray(node)) {
    for (const child of node) taggedTemplates(child, found);
    return found;
  }
  const record = node as Record<string, unknown>;
  if (record.type === 'TaggedTemplateExpression') found.push(record as unknown as TaggedTemplate);
  for (const key in record) {
    if (key !== 'type' && key !== 'start' && key !== 'end') taggedTemplates(record[key], found);
  }
  return found;
}

/** Rewrites the literals of one module; undefined when nothing changed. */
export function minifyTemplates(code: string, id: string): { code: string; map: ReturnType<MagicString['generateMap']> } | undefined {
  if (!/\b(css|html|svg)`/.test(code)) return undefined;
  const lang = /\.tsx?$/.test(id) ? 'ts' : 'js';
  const program = parseAst(code, { lang });
  const out = new MagicString(code);
  for (const template of taggedTemplates(program)) {
    const name = template.tag.type === 'Identifier' ? template.tag.name : undefined;
    if (!name) continue;
    const { quasis } = template.quasi;
    if (CSS_TAGS.has(name)) {
      const only = quasis[0];
      // Interpolated CSS would need placeholders; the widget has none, so leave any as written.
      const range = only && textRange(code, only);
      if (quasis.length !== 1 || !only?.value.cooked || !range) continue;
      out.overwrite(range[0], range[1], escapeTemplate(minifyCss(only.value.cooked, id)));
    } else if (HTML_TAGS.has(name)) {
      for (const quasi of quasis) {
        const collapsed = collapseHtml(quasi.value.raw);
        const range = textRange(code, quasi);
        if (collapsed !== quasi.value.raw && range) out.overwrite(range[0], range[1], collapsed);
      }
    }
  }
  if (!out.hasChanged()) return undefined;
  return { code: out.toString(), map: out.generateMap({ hires: true, source: id, includeContent: true }) };
}

/** The plugin: runs on the widget's own sources only (dependencies ship minified). */
export function minifyTemplateLiterals(): Plugin {
  return {
    name: 'try-on-button:minify-template-literals',
    apply: 'build',
    transform(code, id) {
      if (id.includes('/node_modules/') || !/\/src\/.*\.[jt]s$/.test(id.split('?')[0]!)) return undefined;
      return minifyTemplates(code, id);
    },
  };
}
