/**
 * The endpoint as a Vercel Function (web-standard handler). In `api/try-on/[...path].ts`:
 * `export default tryOnVercel({ basePath: '/api/try-on' })`. Settings from `process.env`.
 * The documented path is the Node.js runtime (Vercel's default for Functions) with REDIS_URL and
 * TRYON_SECRET: every invocation may run in another instance, so state lives in Redis; full garment
 * address checks run there too. On the Edge runtime the handler refuses to start unless given a
 * `store` every isolate shares (ioredis cannot run there). Vercel caps a Function's request body at
 * 4.5 MB, below the endpoint's own 10 MB photo cap: the widget's photos (about 0.2 MB) fit; a
 * larger upload is refused by Vercel with 413 before the endpoint sees it.
 */
import { createTryOnHandler, type HandlerOptions } from '../handler.ts';
import { optionsFromEnv } from '../config.ts';

/** `{ fetch }` as Vercel's web handler signature expects; `options` override the environment. */
export function tryOnVercel(
  options: HandlerOptions = {},
  env: Record<string, string | undefined> = globalThis.process?.env ?? {},
): { fetch: (request: Request) => Promise<Response> } {
  const handler = createTryOnHandler({ ...optionsFromEnv(env), ...options });
  return { fetch: (request) => handler(request) };
}
