/**
 * Tags a stylesheet's text. The widget's styles are plain strings rather than Lit's `CSSResult`s
 * so the button can style itself before (and without) Lit; the tag marks them for the build's
 * minifier (scripts/minify-templates.ts). No interpolation: a stylesheet is one literal.
 */
export const css = (strings: TemplateStringsArray): string => strings[0] ?? '';

const canAdopt =
  typeof ShadowRoot === 'function' && 'adoptedStyleSheets' in ShadowRoot.prototype && 'replaceSync' in CSSStyleSheet.prototype;
const sheets = new Map<string, CSSStyleSheet>();

/**
 * Adds `text` to a shadow root's styles: one constructed sheet per text, shared by every
 * element on the page; a `<style>` element where constructed sheets are missing.
 */
export function adoptCss(root: ShadowRoot, text: string): void {
  if (!canAdopt) {
    const style = document.createElement('style');
    style.textContent = text;
    root.prepend(style);
    return;
  }
  let sheet = sheets.get(text);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    sheets.set(text, sheet);
  }
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
