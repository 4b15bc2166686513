/**
 * Who may call the endpoint, and on whose behalf (the request's *scope*):
 * - Browser origins: storefront origins the merchant allows get CORS answers (the exact origin,
 *   never `*`, always `Vary: Origin`); any other origin, `Origin: null` included, is refused
 *   outright so a foreign page cannot spend the merchant's credits. Requests without an Origin or
 *   from the endpoint's own origin are the endpoint's own (`self`).
 * - Shopify app proxy mode (`shopifySecret`): the try-on routes need Shopify's proxy signature;
 *   the scope is the verified `shop`. An Origin, when the browser sent one through the proxy,
 *   must be the shop's own `https://{shop}` or an allowed origin (a custom storefront domain).
 *
 * Two answers per request:
 * - `scope` says who is asking, for accounting and catalogs: `shop:{domain}`, `origin:{origin}`
 *   (an allowed storefront) or `self`.
 * - `tenant` says whose credits and shoppers these are, and is what job tokens and photo handles
 *   are bound to: the verified Shopify shop in app proxy mode, else `self` (the merchant who runs
 *   this endpoint; every origin they allow is theirs). It never depends on which headers a browser
 *   chooses to send: browsers send no Origin on same-origin GETs, so a token bound to an Origin
 *   would be refused at its first poll behind a TLS-ending proxy. The binding stops one shop's
 *   tokens and photos being used for another shop on a shared (app proxy) endpoint; within one
 *   merchant, a token is a bearer secret: opaque and unguessable (tokens.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { IDEMPOTENCY_HEADER } from '../../protocol.ts';
import { errorResponse } from './api-error.ts';
import { verifyProxyQuery } from '../shopify/shopify.ts';
import { loggedPath } from '../log.ts';

/** `shop:{domain}` (app proxy), `origin:{origin}` (an allowed storefront) or `self`. */
export type Scope = string;

/** `shop:{domain}` (app proxy) or `self`: what tokens and photo handles are bound to. */
export type Tenant = string;

export type AccessVariables = { scope: Scope; tenant: Tenant };

export interface AccessOptions {
  allowedOrigins: readonly string[];
  publicUrl: string | undefined;
  /** The Shopify app's secret: turns on app proxy mode. */
  shopifySecret?: string | undefined;
  /** The handler's basePath, to tell the try-on routes from health, files and webhooks. */
  basePath: string;
  /**
   * A proxy the merchant runs is in front (TRYON_TRUST_PROXY is set): its X-Forwarded-Proto and
   * X-Forwarded-Host say what origin the browser sees. Never read otherwise: anyone can send them.
   */
  trustForwarded?: boolean;
  now: () => number;
  /** Told of every request refused here: its code, the refused origin, method and route. */
  onRefused?: (entry: { code: string; origin?: string; method: string; path: string }) => void;
}

/** The last entry of a forwarded header: the one the merchant's nearest proxy wrote. */
const lastEntry = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .pop();

/**
 * The origins the endpoint itself is reached at: the configured public URL, the request's own
 * URL, and behind a trusted proxy the origin it forwarded for. Only used to tell a same-origin
 * browser call from a foreign one (a page cannot forge Host or X-Forwarded-*), never to decide
 * where the endpoint fetches from (see garment-fetch.ts).
 */
export function ownOrigins(request: Request, publicUrl: string | undefined, trustForwarded: boolean): string[] {
  const origins = [new URL(request.url).origin];
  if (publicUrl) origins.push(new URL(publicUrl).origin);
  const forwarded = trustForwarded ? forwardedOrigin(request) : undefined;
  if (forwarded) origins.push(forwarded);
  return origins;
}

/**
 * The origin the merchant's trusted proxy says the browser used (X-Forwarded-Proto, and
 * X-Forwarded-Host or Host), or undefined when it says nothing usable. Call only behind a
 * trusted proxy (TRYON_TRUST_PROXY).
 */
export function forwardedOrigin(request: Request): string | undefined {
  const proto = lastEntry(request.headers.get('x-forwarded-proto') ?? undefined)?.toLowerCase();
  const host = lastEntry(request.headers.get('x-forwarded-host') ?? undefined) ?? request.headers.get('host') ?? new URL(request.url).host;
  if ((proto !== 'https' && proto !== 'http') || !host) return undefined;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    // A malformed forwarded host is just not one of ours.
    return undefined;
  }
}

/** Routes that never come through the app proxy: the health check, files providers fetch, provider callbacks. */
const OPEN_ROUTES = /^\/(health|files\/[^/]*|webhooks\/[^/]*)$/;

/**
 * The refusal of a foreign origin. On `GET /check` the page may read it (the refused origin is
 * echoed, never `*`): the widget can then tell its merchant which setting is missing instead of
 * showing the shopper a network failure. Nothing is done for a refused origin either way.
 */
const refuseOrigin = (origin: string, readable: boolean) =>
  errorResponse(
    403,
    'origin_not_allowed',
    `This store (${origin.slice(0, 200)}) is not allowed to use this try-on endpoint. The store owner can add it to TRYON_ALLOWED_ORIGINS (or, for the endpoint's own pages behind a proxy, set TRYON_PUBLIC_URL).`,
    {
      headers: { vary: 'Origin', ...(readable && origin !== 'null' ? { 'access-control-allow-origin': origin } : {}) },
    },
  );

export function originAccess(options: AccessOptions): MiddlewareHandler[] {
  const { allowedOrigins, shopifySecret, basePath } = options;

  const guard: MiddlewareHandler<{ Variables: AccessVariables }> = async (c, next) => {
    const origin = c.req.header('origin');
    const own = origin === undefined || ownOrigins(c.req.raw, options.publicUrl, options.trustForwarded ?? false).includes(origin);
    const relative = c.req.path.slice(basePath.length) || '/';
    const refuse = (code: string, response: Response) => {
      options.onRefused?.({
        code,
        ...(origin !== undefined ? { origin: origin.slice(0, 200) } : {}),
        method: c.req.method,
        path: loggedPath(undefined, c.req.path).slice(0, 200),
      });
      return response;
    };
    const refuseHere = () => refuse('origin_not_allowed', refuseOrigin(origin!, relative === '/check' && c.req.method === 'GET'));
    if (shopifySecret && !OPEN_ROUTES.test(relative) && c.req.method !== 'OPTIONS') {
      const verdict = await verifyProxyQuery(new URL(c.req.url).searchParams, shopifySecret, options.now());
      if (!verdict.ok) {
        return refuse(
          'proxy_signature_invalid',
          errorResponse(
            401,
            'proxy_signature_invalid',
            verdict.reason === 'stale'
              ? 'This request has expired. Please reload the page and try again.'
              : 'This request did not come through the store. Please reload the product page and try again.',
            { headers: { vary: 'Origin' } },
          ),
        );
      }
      if (!own && origin !== `https://${verdict.shop}` && !allowedOrigins.includes(origin!)) return refuseHere();
      c.set('scope', `shop:${verdict.shop}`);
      c.set('tenant', `shop:${verdict.shop}`);
      return next();
    }
    if (!own && !allowedOrigins.includes(origin!)) return refuseHere();
    c.set('scope', own ? 'self' : `origin:${origin}`);
    c.set('tenant', 'self');
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
