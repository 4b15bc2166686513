/**
 * The endpoint as a Cloudflare Worker: `export default tryOnWorker({ basePath: '/api/try-on' })`.
 * Settings come from the Worker's environment (the same TRYON_* names, as vars and secrets),
 * read once per isolate. On Workers there is no DNS API: garment hosts are checked by name and IP
 * literal only, and Workers' fetch cannot reach private networks. TRYON_CATALOG (a file) is not
 * available: pass `products` or `resolveProduct`.
 */
import { createTryOnHandler, type HandlerOptions } from '../handler.ts';
import { optionsFromEnv } from '../config.ts';

export interface WorkerEntry {
  fetch(request: Request, env: Record<string, unknown>): Promise<Response>;
}

/** A Worker module whose fetch serves the endpoint; `options` override the environment. */
export function tryOnWorker(options: HandlerOptions = {}): WorkerEntry {
  let handler: ((request: Request) => Promise<Response>) | undefined;
  return {
    fetch(request, env) {
      if (!handler) {
        const strings = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
        handler = createTryOnHandler({ ...optionsFromEnv(strings), ...options });
      }
      return handler(request);
    },
  };
}
