/**
 * Browser access: storefront origins the merchant allows get CORS answers (exact origin, never
 * `*`, `Vary: Origin`); any other origin is refused outright so a foreign page cannot spend the
 * merchant's credits. Requests without an Origin, or from the endpoint's own origin, are allowed.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { IDEMPOTENCY_HEADER } from '../protocol.ts';
import { errorResponse } from './api-error.ts';

export function originAccess(allowedOrigins: readonly string[], publicUrl: string | undefined): MiddlewareHandler[] {
  const publicOrigin = publicUrl ? new URL(publicUrl).origin : undefined;
  const guard: MiddlewareHandler = async (c, next) => {
    const origin = c.req.header('origin');
    if (
      origin === undefined ||
      origin === new URL(c.req.url).origin ||
      origin === publicOrigin ||
      allowedOrigins.includes(origin)
    ) {
      return next();
    }
    return errorResponse(403, 'origin_not_allowed', 'This store is not allowed to use this try-on endpoint. The store owner can add it to TRYON_ALLOWED_ORIGINS.', {
      headers: { vary: 'Origin' },
    });
  };
  const corsHeaders = cors({
    origin: (origin) => (allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', IDEMPOTENCY_HEADER],
    exposeHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
  return [guard, corsHeaders];
}
