import { describe, expect, it } from 'vitest';
import { collapseHtml, minifyCss, minifyTemplates } from '../../scripts/minify-templates.ts';

describe('minifying template literals at build time', () => {
  it('minifies css`` with Lightning CSS and keeps the literal valid', () => {
    // The CSS holds a backtick, escaped in the source literal: the output must escape it again.
    const source = "const s = css`\n  :host {\n    color: red;\n  }\n  .a::before { content: '\\`'; }\n`;";
    const out = minifyTemplates(source, '/src/x.ts')!.code;
    expect(out).toMatch(/^const s = css`:host\{color:red\}/);
    // The minified text is still one template literal whose value is the CSS.
    const value = new Function('css', `${out.replace('const s =', 'return')}`)((s: TemplateStringsArray) => s[0]) as string;
    expect(value).toBe(minifyCss(":host {\n    color: red;\n  }\n  .a::before { content: '`'; }\n"));
    expect(value).toContain('`');
  });

  it('collapses only line-break whitespace in html``/svg``, keeping every expression and single spaces', () => {
    const source =
      'const t = html`<p class="a b">\n    ${x}  and  ${y}\n  </p>\n  <span>${z}</span>`; const u = svg`<g>\n <path d="M0 0"/>\n</g>`;';
    const out = minifyTemplates(source, '/src/y.ts')!.code;
    expect(out).toBe('const t = html`<p class="a b"> ${x}  and  ${y} </p> <span>${z}</span>`; const u = svg`<g> <path d="M0 0"/> </g>`;');
    expect(collapseHtml('a\r\n\t  b')).toBe('a b');
  });

  it('leaves other literals and interpolated css alone', () => {
    const source = 'const a = `\n  keep\n`; const b = sql`\n  SELECT 1\n`; const c = css`\n a { color: ${v}; }\n`;';
    expect(minifyTemplates(source, '/src/z.ts')).toBeUndefined();
  });
});
