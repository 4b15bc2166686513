/**
 * `GET {base}/check?product=…&garment=…&category=…`: whether this product can be tried on here,
 * asked by the widget when the shopper is about to use the button, before any consent or photo.
 * It runs the submit's own garment checks (readGarment: the product, the category against the
 * provider, the garment host allowlist) and the address check of the garment's host (a DNS
 * lookup), and nothing else: no provider call, no garment bytes. Answers, refusals included, are
 * kept a minute per asking scope and key, so a page's worth of buttons costs one resolve each.
 */
import type { CheckResponse } from '../../protocol.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import type { ProductResolver } from './catalog.ts';
import { readGarment } from '../jobs/submit-form.ts';
import { precheckGarmentAddress } from './garment-fetch.ts';
import { ApiError } from '../http/api-error.ts';

/** How long an answer is kept: short, so a fixed setting shows within a minute. */
export const CHECK_TTL_MS = 60_000;
/** Answers kept at most; the oldest go first (a bound on memory whatever the page sends). */
const CHECK_MAX_ENTRIES = 1000;
const QUERY_FIELDS = ['product', 'garment', 'category'] as const;

export interface CheckOptions {
  adapter: ProviderAdapter;
  garmentHosts: readonly string[];
  resolveProduct: ProductResolver;
  devAllowLoopback: boolean;
  precheckAddress: (garmentUrl: string) => ReturnType<typeof precheckGarmentAddress>;
  now: () => number;
}

/** The check, with its cache: resolves the answer or throws the refusal (an ApiError). */
export function productCheck(options: CheckOptions): (query: URLSearchParams, scope: string) => Promise<CheckResponse> {
  const cache = new Map<string, { until: number; answer: CheckResponse | ApiError }>();
  return async (query, scope) => {
    const form = new FormData();
    for (const name of QUERY_FIELDS) {
      const value = query.get(name);
      if (value !== null) form.set(name, value.slice(0, 2048));
    }
    const key = JSON.stringify([scope, ...QUERY_FIELDS.map((name) => form.get(name))]);
    const now = options.now();
    let kept = cache.get(key);
    if (!kept || kept.until <= now) {
      let answer: CheckResponse | ApiError;
      try {
        const garment = await readGarment(
          form,
          options.adapter,
          options.garmentHosts,
          options.resolveProduct,
          scope,
          options.devAllowLoopback,
        );
        await options.precheckAddress(garment.garmentUrl);
        answer = { ok: true, category: garment.category };
      } catch (error) {
        // Only a refusal is an answer to keep; anything else (a catalog lookup that failed) is not.
        if (!(error instanceof ApiError)) throw error;
        answer = error;
      }
      cache.delete(key);
      if (cache.size >= CHECK_MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      kept = { until: now + CHECK_TTL_MS, answer };
      cache.set(key, kept);
    }
    if (kept.answer instanceof ApiError) throw kept.answer;
    return kept.answer;
  };
}
