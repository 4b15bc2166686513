/**
 * The endpoint inside an existing Hono app: `app.all('/api/try-on/*', tryOnHono({ basePath: '/api/try-on', ... }))`.
 * The handler is itself a Hono app; this only hands it the raw Request and the runtime's env.
 */
import type { Context } from 'hono';
import { createTryOnHandler, type HandlerOptions } from '../handler.ts';

/** A Hono route handler serving the try-on endpoint under `options.basePath`. */
export function tryOnHono(options: HandlerOptions = {}): (c: Context) => Promise<Response> {
  // The handler also takes the runtime's env (on Node it carries the socket, for per-IP limits).
  const handler = createTryOnHandler(options) as (request: Request, env?: unknown) => Promise<Response>;
  return (c) => handler(c.req.raw, c.env);
}
