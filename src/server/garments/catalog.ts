/**
 * Merchant catalogs: the widget may name a `product` instead of a garment URL, and the endpoint
 * resolves it from a JSON file (`TRYON_CATALOG`), the `products` option, or a `resolveProduct`
 * callback (e.g. a lookup in the shop's own database). A catalog entry's garment URL still goes
 * through the host allowlist and the safe fetch, so a catalog cannot open a way around them.
 */
import { z } from 'zod';
import { CATEGORIES, type Category } from '../../protocol.ts';
import { ConfigError } from '../config-error.ts';

export interface CatalogProduct {
  /** Absolute URL of the garment image. */
  garment: string;
  category?: Category;
  /** Free text describing the garment (e.g. the product title), passed to providers that use it. */
  description?: string;
}

/** Resolves a product id for the shop or storefront (`scope`, see origin.ts) that asks; undefined when unknown. */
export type ProductResolver = (productId: string, scope: string) => CatalogProduct | undefined | Promise<CatalogProduct | undefined>;

const Product = z.object({
  garment: z.url({ protocol: /^https?$/ }),
  category: z.enum(CATEGORIES).optional(),
  description: z.string().max(500).optional(),
});
const Catalog = z.record(z.string().min(1).max(128), Product);

/** A validated catalog from JSON text `{ "<product id>": { "garment": "https://…", "category": "top" } }`. */
export function parseCatalog(text: string, source = 'TRYON_CATALOG'): Record<string, CatalogProduct> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${source} is not valid JSON.`);
  }
  const parsed = Catalog.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${source}: product "${String(issue?.path[0] ?? '?').slice(0, 64)}" is not valid (${issue?.message ?? 'bad entry'}). Each product needs an absolute "garment" URL and may have "category" and "description".`,
    );
  }
  return parsed.data as Record<string, CatalogProduct>;
}

/** Reads a catalog file at startup (Node's file system; edge runtimes pass `products` or `resolveProduct`). */
export function loadCatalogFile(path: string): Record<string, CatalogProduct> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as typeof import('node:fs') | undefined;
  if (!fs)
    throw new ConfigError('TRYON_CATALOG needs a file system; on this runtime pass the `products` or `resolveProduct` option instead.');
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError('TRYON_CATALOG names a file that cannot be read. Give the path of a JSON file.');
  }
  return parseCatalog(text);
}

/** The resolver the handler uses: the callback first, then the static products. */
export function productResolver(products: Record<string, CatalogProduct>, resolveProduct?: ProductResolver): ProductResolver {
  return async (id, scope) => {
    const found = resolveProduct ? await resolveProduct(id, scope) : undefined;
    if (found) return found;
    return Object.hasOwn(products, id) ? products[id] : undefined;
  };
}
