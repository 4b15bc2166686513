import { describe, expect, it } from 'vitest';
import { resolveEndpoint, resolveGarment } from '../../src/client/endpoint.ts';

const page = 'https://shop.example/products/linen-shirt?variant=2#top';

describe('resolveEndpoint', () => {
  it('resolves relative paths against the page and drops trailing slashes, query and hash', () => {
    expect(resolveEndpoint('/api/try-on', page)).toBe('https://shop.example/api/try-on');
    expect(resolveEndpoint('/apps/try-on/', page)).toBe('https://shop.example/apps/try-on');
    expect(resolveEndpoint('try-on', page)).toBe('https://shop.example/products/try-on');
    expect(resolveEndpoint('https://tryon.example/v1/?x=1#y', page)).toBe('https://tryon.example/v1');
  });
  it('refuses empty and non-http values with an actionable message', () => {
    expect(() => resolveEndpoint('', page)).toThrow(/endpoint="\/api\/try-on"/);
    expect(() => resolveEndpoint(null, page)).toThrow(/no endpoint/);
    expect(() => resolveEndpoint('javascript:alert(1)', page)).toThrow(/http\(s\)/);
  });
});

describe('resolveGarment', () => {
  it('makes relative garment URLs absolute', () => {
    expect(resolveGarment('/garments/shirt.png', page)).toBe('https://shop.example/garments/shirt.png');
    expect(resolveGarment('https://cdn.example/a.png', page)).toBe('https://cdn.example/a.png');
    expect(resolveGarment('  ', page)).toBeUndefined();
  });
});
