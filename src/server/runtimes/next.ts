/**
 * The endpoint as a Next.js App Router route handler. In `app/api/try-on/[...path]/route.ts`:
 * `export const { GET, POST, DELETE, OPTIONS } = tryOnNext({ basePath: '/api/try-on', ...optionsFromEnv(process.env) });`
 * and `export const runtime = 'nodejs'` (the garment address checks need Node's DNS).
 */
import { createTryOnHandler, type HandlerOptions } from '../handler.ts';

export interface NextRouteHandlers {
  GET: (request: Request) => Promise<Response>;
  POST: (request: Request) => Promise<Response>;
  DELETE: (request: Request) => Promise<Response>;
  OPTIONS: (request: Request) => Promise<Response>;
}

/** Route handlers for every method the endpoint answers. */
export function tryOnNext(options: HandlerOptions = {}): NextRouteHandlers {
  const handler = createTryOnHandler(options);
  const route = (request: Request) => handler(request);
  return { GET: route, POST: route, DELETE: route, OPTIONS: route };
}
