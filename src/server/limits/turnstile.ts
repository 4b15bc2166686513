/**
 * Optional Cloudflare Turnstile check before a submit (`TRYON_TURNSTILE_SECRET`): the widget's
 * page renders Turnstile with action `try-on` and sends its token as the form field
 * `turnstileToken`; the endpoint asks siteverify and accepts only `success: true` from an
 * expected hostname with the expected action. Every refusal is 403 turnstile_failed, decided
 * before any provider call. Tokens are single-use, so a retried submit relies on its
 * Idempotency-Key (the stored answer is returned without a second check).
 */
import { z } from 'zod';
import { ApiError } from '../http/api-error.ts';

export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';
export const TURNSTILE_ACTION = 'try-on';

export interface TurnstileOptions {
  secret: string;
  /** siteverify URL (a local fake in tests). */
  verifyUrl?: string;
  /** Expected action; default `try-on`. */
  action?: string;
  /** Hostnames the widget's pages are served from; default: see {@link expectedHostnames}. */
  hostnames?: string[];
  timeoutMs?: number;
}

const Siteverify = z.object({
  success: z.boolean(),
  hostname: z.string().optional(),
  action: z.string().optional(),
  'error-codes': z.array(z.string()).optional(),
});

const refused = (message = 'The security check did not pass. Please reload the page and try again.') =>
  new ApiError(403, 'turnstile_failed', message);

/**
 * Verifies `token` at siteverify; throws ApiError turnstile_failed (403) unless it succeeded for
 * one of `hostnames` with the expected action. A siteverify outage is a 503 (retry), not a refusal.
 */
export async function verifyTurnstile(
  token: string | undefined,
  hostnames: readonly string[],
  options: TurnstileOptions,
  fetchFn: typeof fetch,
  remoteIp?: string,
): Promise<void> {
  if (!token) throw refused('Please complete the security check before starting the try-on.');
  if (token.length > 2048) throw refused();
  const body = new URLSearchParams({ secret: options.secret, response: token, idempotency_key: crypto.randomUUID() });
  if (remoteIp) body.set('remoteip', remoteIp);
  let answer: z.infer<typeof Siteverify>;
  try {
    const response = await fetchFn(options.verifyUrl ?? TURNSTILE_VERIFY_URL, {
      method: 'POST',
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    if (!response.ok) throw new Error(`siteverify HTTP ${response.status}`);
    answer = Siteverify.parse(await response.json());
  } catch {
    throw new ApiError(503, 'service_unavailable', 'The security check is unavailable right now. Please try again in a moment.', {
      retryAfterSec: 5,
    });
  }
  if (!answer.success) throw refused();
  if (!answer.hostname || !hostnames.includes(answer.hostname.toLowerCase())) throw refused();
  if (answer.action !== (options.action ?? TURNSTILE_ACTION)) throw refused();
}

/** Where the widget may run: the configured hostnames, else the storefronts this endpoint serves. */
export function expectedHostnames(
  options: TurnstileOptions,
  request: { url: string; origin?: string | undefined; shop?: string | undefined },
  allowedOrigins: readonly string[],
  publicUrl?: string,
): string[] {
  if (options.hostnames?.length) return options.hostnames.map((h) => h.toLowerCase());
  const hosts = new Set<string>([new URL(request.url).hostname]);
  for (const origin of allowedOrigins) hosts.add(new URL(origin).hostname);
  if (publicUrl) hosts.add(new URL(publicUrl).hostname);
  if (request.shop) hosts.add(request.shop);
  return [...hosts].map((h) => h.toLowerCase());
}
