import type { TryOnStrings } from './strings.ts';

/**
 * A merchant's partial `strings` over a complete locale; `errors` is merged one level deeper.
 * Apart from strings.ts so the panel can merge without bundling the English strings: every
 * locale, English included, is its own chunk and each is complete (test/element/locales.test.ts).
 */
export function mergeOver(override: Partial<TryOnStrings> | undefined, base: TryOnStrings): TryOnStrings {
  if (!override) return base;
  return { ...base, ...override, errors: { ...base.errors, ...override.errors } };
}
