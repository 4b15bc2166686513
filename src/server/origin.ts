/**
 * Who may call the endpoint, and on whose behalf (the request's *scope*):
 * - Browser origins: storefront origins the merchant allows get CORS answers (the exact origin,
 *   never `*`, always `Vary: Origin`); any other origin, `Origin: null` included, is refused
 *   outright so a foreign page cannot spend the merchant's credits. Requests without an Origin or
 *   from the endpoint's own origin are the endpoint's own (`self`).
 * - Shopify app proxy mode (`shopifySecret`): the try-on routes need Shopify's proxy signature;
 *   the scope is the verified `shop`. An Origin, when the browser sent one through the proxy,
 *   must be the shop's own `https://{shop}` or an allowed origin (a custom storefront domain).
 * Job tokens and photo handles are bound to the scope that made them (see tokens.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { IDEMPOTENCY_HEADER } from '../protocol.ts';
import { errorResponse } from './api-error.ts';
import { verifyProxyQuery } from './shopify.ts';

/** `shop:{domain}` (app proxy), `origin:{origin}` (an allowed storefront) or `self`. */
export type Scope = string;

export type AccessVariables = { scope: Scope };

export interface AccessOptions {
  allowedOrigins: readonly string[];
  publicUrl: string | undefined;
  /** The Shopify app's secret: turns on app proxy mode. */
  shopifySecret?: string | undefined;
  /** The handler's basePath, to tell the try-on routes from health, files and webhooks. */
  basePath: string;
  now: () => number;
}

/** Routes that never come through the app proxy: the health check, files providers fetch, provider callbacks. */
const OPEN_ROUTES = /^\/(health|files\/[^/]*|webhooks\/[^/]*)$/;

const refuseOrigin = () =>
  errorResponse(403, 'origin_not_allowed', 'This store is not allowed to use this try-on endpoint. The store owner can add it to TRYON_ALLOWED_ORIGINS.', {
    headers: { vary: 'Origin' },
  });

export function originAccess(options: AccessOptions): MiddlewareHandler[] {
  const { allowedOrigins, shopifySecret, basePath } = options;
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;

  const guard: MiddlewareHandler<{ Variables: AccessVariables }> = async (c, next) => {
    const origin = c.req.header('origin');
    const own = origin === undefined || origin === new URL(c.req.url).origin || origin === publicOrigin;
    const relative = c.req.path.slice(basePath.length) || '/';
    if (shopifySecret && !OPEN_ROUTES.test(relative) && c.req.method !== 'OPTIONS') {
      const verdict = await verifyProxyQuery(new URL(c.req.url).searchParams, shopifySecret, options.now());
      if (!verdict.ok) {
        return errorResponse(
          401,
          'proxy_signature_invalid',
          verdict.reason === 'stale'
            ? 'This request has expired. Please reload the page and try again.'
            : 'This request did not come through the store. Please reload the product page and try again.',
          { headers: { vary: 'Origin' } },
        );
      }
      if (!own && origin !== `https://${verdict.shop}` && !allowedOrigins.includes(origin!)) return refuseOrigin();
      c.set('scope', `shop:${verdict.shop}`);
      return next();
    }
    if (!own && !allowedOrigins.includes(origin!)) return refuseOrigin();
    c.set('scope', own ? 'self' : `origin:${origin}`);
    return next();
  };
  const corsHeaders = cors({
    origin: (origin) => (allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', IDEMPOTENCY_HEADER],
    exposeHeaders: ['Retry-After', 'X-Request-Id', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });
  return [guard as MiddlewareHandler, corsHeaders];
}
