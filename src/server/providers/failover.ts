/**
 * Optional failover at submit (`TRYON_FALLBACK_PROVIDERS`): when the primary provider is busy or
 * down, the next configured provider that can dress the category is tried.
 *
 * Never-charge-twice decides what "down" means. A submit is handed to the next provider only
 * when the failed one certainly did not accept it:
 * - `busy` (429 after the bounded Retry-After waits): the provider refused the request;
 * - `unavailable` with an HTTP 5xx answer: the provider answered that it failed (the shared HTTP
 *   policy never repeats a paid request after one, so this is the only try there);
 * - `unavailable` because nothing was ever sent: connection refused, DNS failure.
 * A `timeout`, or a connection that broke after the request went out, may have started paid
 * work that we can no longer see, so it is answered as an error and never failed over.
 * Auth, refusals of the photo or garment, and malformed answers are not outages: a fallback
 * would not fix them, and the merchant or shopper has to act.
 */
import type { Category } from '../../protocol.ts';
import type { ProviderAdapter, SubmitResult } from './types.ts';
import { ProviderError } from './errors.ts';

/** One fallback provider of `HandlerOptions.fallbacks`. */
export interface FallbackOptions {
  /** Provider name as in `TRYON_PROVIDER`; not `demo`, and not the primary. */
  provider: string;
  /** Its own API key (`TRYON_<NAME>_API_KEY`). */
  apiKey?: string;
  /** Its base URL override (`TRYON_<NAME>_PROVIDER_URL`). */
  providerUrl?: string;
  /** Its adapter options (the primary's `providerOptions` are its own, not shared). Default none. */
  providerOptions?: Record<string, string>;
}

/** One provider the endpoint can run jobs at: its adapter and its own credentials. */
export interface ProviderSlot {
  adapter: ProviderAdapter;
  apiKey: string;
  providerBaseUrl: string;
  providerOptions: Record<string, string>;
}

// Node's fetch (undici) reports these when no byte of the request reached the provider.
const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function neverSent(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && NOTHING_SENT.has(code)) return true;
  // Happy-eyeballs connects fail as an AggregateError of one error per address.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => neverSent(e, depth + 1))) return true;
  return neverSent(cause, depth + 1);
}

/** True when a failed submit certainly left nothing running (or charged) at the provider. */
export function canFailOver(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return false;
  if (error.kind === 'busy') return true;
  if (error.kind !== 'unavailable') return false;
  if (error.providerStatus !== undefined) return error.providerStatus >= 500;
  return neverSent(error.cause);
}

/**
 * Submits to the first slot that can dress `category`, moving on to the next only after a
 * failure {@link canFailOver} allows. The last failure is thrown when every slot failed.
 * `onFailover` hears each hand-over (for the log).
 */
export async function submitWithFailover(
  slots: readonly ProviderSlot[],
  category: Category,
  submitTo: (slot: ProviderSlot) => Promise<SubmitResult>,
  onFailover?: (from: ProviderSlot, error: ProviderError) => void,
): Promise<{ slot: ProviderSlot; result: SubmitResult }> {
  const able = slots.filter((slot) => slot.adapter.categories[category] !== undefined);
  for (let i = 0; i < able.length; i++) {
    const slot = able[i]!;
    try {
      return { slot, result: await submitTo(slot) };
    } catch (error) {
      if (i === able.length - 1 || !canFailOver(error)) throw error;
      onFailover?.(slot, error as ProviderError);
    }
  }
  // The handler refuses categories the primary cannot dress before calling this.
  throw new Error(`No configured provider can dress category "${category}".`);
}
