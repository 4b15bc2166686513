/**
 * Every provider the endpoint can speak, by its `TRYON_PROVIDER` name.
 * Adding a provider is one line in ADAPTERS.
 */
import type { ProviderAdapter } from './types.ts';
import { demoAdapter } from './demo.ts';
import { vistoureAdapter } from './vistoure.ts';
import { vistoureProAdapter } from './vistoure-pro.ts';
import { vtryonAdapter } from './vtryon.ts';
import { virtufitAdapter } from './virtufit.ts';
import { pixazoAdapter } from './pixazo.ts';
import { vtryAdapter } from './vtry.ts';

const ADAPTERS = {
  demo: demoAdapter,
  vistoure: vistoureAdapter,
  'vistoure-pro': vistoureProAdapter,
  vtryon: vtryonAdapter,
  virtufit: virtufitAdapter,
  pixazo: pixazoAdapter,
  vtry: vtryAdapter,
} satisfies Record<string, ProviderAdapter>;

/** The names `TRYON_PROVIDER` accepts. */
export const PROVIDER_NAMES: readonly string[] = Object.keys(ADAPTERS);

/** The adapter called `name`; throws an Error listing the valid names when there is none. */
export function getAdapter(name: string): ProviderAdapter {
  if (!Object.hasOwn(ADAPTERS, name)) {
    throw new Error(`Unknown try-on provider "${name}". Choose one of: ${PROVIDER_NAMES.join(', ')}.`);
  }
  return ADAPTERS[name as keyof typeof ADAPTERS];
}
