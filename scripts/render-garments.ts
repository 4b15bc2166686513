/**
 * Renders the demo's hand-drawn garment SVGs to PNG, one per colour in
 * demo/site/catalog.json: providers want raster garment images, and the demo
 * store shows the same files.
 *
 * Run: `npx tsx scripts/render-garments.ts` (needs /usr/bin/chromium or CHROMIUM_PATH).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const site = fileURLToPath(new URL('../demo/site/', import.meta.url));

interface Color { id: string; name: string; image: string; vars: Record<string, string> }
interface Product { id: string; svg: string; colors: Color[] }

/** 768x1024: the portrait size most try-on providers document for garment images. */
const SCALE = 768 / 600;

/** The SVGs read their palette from custom properties on `svg`; a later rule overrides them. */
export function recolor(svg: string, vars: Record<string, string>): string {
  const decls = Object.entries(vars).map(([name, value]) => `--${name}: ${value};`).join(' ');
  return svg.replace('</svg>', `<style>svg { ${decls} }</style></svg>`);
}

async function main() {
  const catalog = JSON.parse(await readFile(`${site}catalog.json`, 'utf8')) as { products: Product[] };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 600, height: 800 }, deviceScaleFactor: SCALE });
    for (const product of catalog.products) {
      const svg = await readFile(`${site}${product.svg.replace(/^\//, '')}`, 'utf8');
      for (const color of product.colors) {
        await page.setContent(`<!doctype html><body style="margin:0;background:transparent">${recolor(svg, color.vars)}</body>`);
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
