/**
 * The endpoint as a Vercel Function (web-standard handler). In `api/try-on/[...path].ts`:
 * `export default tryOnVercel({ basePath: '/api/try-on' })`. Settings from `process.env`; runs on
 * the Node.js runtime (full garment address checks) and the Edge runtime (checks by name only).
 */
import { createTryOnHandler, type HandlerOptions } from '../handler.ts';
import { optionsFromEnv } from '../config.ts';

/** `{ fetch }` as Vercel's web handler signature expects; `options` override the environment. */
export function tryOnVercel(options: HandlerOptions = {}, env: Record<string, string | undefined> = globalThis.process?.env ?? {}): { fetch: (request: Request) => Promise<Response> } {
  const handler = createTryOnHandler({ ...optionsFromEnv(env), ...options });
  return { fetch: (request) => handler(request) };
}
