/**
 * Renders the demo's hand-drawn garment SVGs to PNG, one per colour in
 * demo/site/catalog.json: providers want raster garment images, and the demo
 * store shows the same files.
 *
 * Run: `npx tsx scripts/render-garments.ts` (needs /usr/bin/chromium or CHROMIUM_PATH).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/chromium.ts';

const site = fileURLToPath(new URL('../demo/site/', import.meta.url));

interface Color {
  id: string;
  name: string;
  image: string;
  vars: Record<string, string>;
}
interface Product {
  id: string;
  svg: string;
  colors: Color[];
}

/** 768x1024: the portrait size most try-on providers document for garment images. */
const SCALE = 768 / 600;

/**
 * A 3:4 viewBox around the drawing with a small margin: providers and the demo composite
 * fit the whole image into the body region, so empty canvas would shrink the garment.
 */
export function tightViewBox(bbox: { x: number; y: number; width: number; height: number }, margin = 0.04): string {
  const padded = { w: bbox.width * (1 + 2 * margin), h: bbox.height * (1 + 2 * margin) };
  const w = Math.max(padded.w, (padded.h * 3) / 4);
  const h = (w * 4) / 3;
  const cx = bbox.x + bbox.width / 2;
  const cy = bbox.y + bbox.height / 2;
  const r = (n: number) => Math.round(n * 10) / 10;
  return `${r(cx - w / 2)} ${r(cy - h / 2)} ${r(w)} ${r(h)}`;
}

/** The SVGs read their palette from custom properties on `svg`; a later rule overrides them. */
export function recolor(svg: string, vars: Record<string, string>): string {
  const decls = Object.entries(vars)
    .map(([name, value]) => `--${name}: ${value};`)
    .join(' ');
  return svg.replace('</svg>', `<style>svg { ${decls} }</style></svg>`);
}

async function main() {
  const catalog = JSON.parse(await readFile(`${site}catalog.json`, 'utf8')) as { products: Product[] };
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 600, height: 800 }, deviceScaleFactor: SCALE });
    for (const product of catalog.products) {
      const svg = await readFile(`${site}${product.svg.replace(/^\//, '')}`, 'utf8');
      for (const color of product.colors) {
        await page.setContent(`<!doctype html><body style="margin:0;background:transparent">${recolor(svg, color.vars)}</body>`);
        // getBBox leaves out stroke widths; the margin covers them.
        const bbox = await page.locator('svg').evaluate((el) => {
          const { x, y, width, height } = (el as SVGSVGElement).getBBox();
          return { x, y, width, height };
        });
        await page.locator('svg').evaluate((el, viewBox) => el.setAttribute('viewBox', viewBox), tightViewBox(bbox));
        // Transparent background: the garment composites cleanly over a shopper photo.
        const png = await page.locator('svg').screenshot({ omitBackground: true });
        const out = `${site}${color.image.replace(/^\//, '')}`;
        await writeFile(out, png);
        console.log(`${product.id} ${color.id} -> ${out} (${png.byteLength} bytes)`);
      }
    }
  } finally {
    await browser.close();
  }
}

await main();
