/**
 * Merchant catalogs: TRYON_CATALOG files validated at startup, `resolveProduct` callbacks
 * asked with the requesting shop or origin, and catalog garments still held to the allowlist.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionsFromEnv, ConfigError } from '../../../src/server/config.ts';
import { errorOf, GARMENT_URL, setup, submitRequest } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('product catalogs', () => {
  it('TRYON_CATALOG loads a JSON file of products that the widget can name', async () => {
    const path = file('ok.json', JSON.stringify({ 'linen-shirt': { garment: GARMENT_URL, category: 'top', description: 'Linen shirt' } }));
    const options = optionsFromEnv({ TRYON_CATALOG: path });
    const s = setup({ products: options.products! });
    expect((await s.handler(submitRequest({ garment: null, category: null, product: 'linen-shirt' }))).status).toBe(202);
    expect(s.adapter.submits[0]).toMatchObject({ garmentUrl: GARMENT_URL, category: 'top', garmentDescription: 'Linen shirt' });
  });

  it('a broken catalog stops startup with a sentence naming TRYON_CATALOG', () => {
    for (const [name, text] of [
      ['bad.json', '{not json'],
      ['worse.json', JSON.stringify({ p: { garment: 'ftp://x/y.png' } })],
      ['cat.json', JSON.stringify({ p: { garment: GARMENT_URL, category: 'scarf' } })],
    ]) {
      expect(() => optionsFromEnv({ TRYON_CATALOG: file(name!, text!) })).toThrow(ConfigError);
    }
    expect(() => optionsFromEnv({ TRYON_CATALOG: join(dir, 'missing.json') })).toThrow(/TRYON_CATALOG/);
  });

  it('resolveProduct is asked with the requesting scope; its garments still meet the host allowlist', async () => {
    const asked: string[] = [];
    const s = setup({
      allowedOrigins: ['https://shop-a.example'],
      resolveProduct: (id, scope) => {
        asked.push(`${scope}|${id}`);
        return id === 'elsewhere'
          ? { garment: 'https://evil.example/x.png', category: 'top' }
          : { garment: GARMENT_URL, category: 'dress' };
      },
    });
    expect(
      (
        await s.handler(
          submitRequest({ garment: null, category: null, product: 'sku-1' }, { headers: { origin: 'https://shop-a.example' } }),
        )
      ).status,
    ).toBe(202);
    expect(s.adapter.submits[0]!.category).toBe('dress');
    expect(await errorOf(await s.handler(submitRequest({ garment: null, category: null, product: 'elsewhere' })))).toMatchObject({
      status: 422,
      code: 'garment_host_not_allowed',
    });
    expect(asked).toEqual(['origin:https://shop-a.example|sku-1', 'self|elsewhere']);
    expect(s.adapter.submits).toHaveLength(1);
  });
});
