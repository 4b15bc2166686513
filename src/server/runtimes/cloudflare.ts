/**
 * The endpoint as a Cloudflare Worker:
 *
 *   export default tryOnWorker({ basePath: '/api/try-on' });
 *   export { TryOnStore } from 'try-on-button/cloudflare';
 *
 * Every request may run in another isolate, so all state lives in the platform's shared stores
 * (store/durable-object-store.ts): claims, counters and caches in the TryOnStore Durable Object
 * (binding TRYON_STORE), photos and files in R2 (binding TRYON_FILES). Without them the Worker
 * refuses to serve, with a sentence naming the binding, rather than keep state per isolate (a
 * retried submit landing elsewhere would be charged again). Settings come from the Worker's
 * environment (the same TRYON_* names, as vars and secrets; TRYON_SECRET is required), read once
 * per isolate. On Workers there is no DNS API: garment hosts are checked by name and IP literal
 * only, and Workers' fetch cannot reach private networks. TRYON_CATALOG (a file) is not
 * available: pass `products` or `resolveProduct`. See examples/cloudflare/.
 */
import { createTryOnHandler, type HandlerOptions } from '../handler.ts';
import { optionsFromEnv } from '../config.ts';
import { ConfigError } from '../settings.ts';
import { errorResponse } from '../http/api-error.ts';
import { DurableObjectStore, type DurableObjectNamespaceLike, type R2BucketLike } from '../store/durable-object-store.ts';

export { TryOnStore } from '../store/durable-object-store.ts';

export interface WorkerEntry {
  fetch(request: Request, env: Record<string, unknown>): Promise<Response>;
}

const isNamespace = (value: unknown): value is DurableObjectNamespaceLike =>
  typeof value === 'object' && value !== null && typeof (value as { idFromName?: unknown }).idFromName === 'function';
const isBucket = (value: unknown): value is R2BucketLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { put?: unknown }).put === 'function' &&
  typeof (value as { head?: unknown }).head === 'function';

/** The Worker's store from its bindings; a ConfigError naming what is missing. */
function workerStore(env: Record<string, unknown>): DurableObjectStore {
  if (typeof env.REDIS_URL === 'string' && env.REDIS_URL) {
    throw new ConfigError(
      'REDIS_URL cannot be used on Cloudflare Workers (no Redis client runs there): the Worker keeps its state in the TryOnStore Durable Object (TRYON_STORE) and R2 (TRYON_FILES). Remove REDIS_URL.',
    );
  }
  if (!isNamespace(env.TRYON_STORE)) {
    throw new ConfigError(
      'The Durable Object binding TRYON_STORE (class TryOnStore) is missing: without it each isolate would keep its own quotas, idempotency and photos. Add it to wrangler.toml as in examples/cloudflare/wrangler.toml, and export { TryOnStore } from the Worker.',
    );
  }
  if (!isBucket(env.TRYON_FILES)) {
    throw new ConfigError(
      'The R2 bucket binding TRYON_FILES is missing: photos and result files live there. Create the bucket (npx wrangler r2 bucket create try-on-files) and bind it as in examples/cloudflare/wrangler.toml.',
    );
  }
  return new DurableObjectStore(env.TRYON_STORE, env.TRYON_FILES);
}

/** A Worker module whose fetch serves the endpoint; `options` override the environment (a `store` replaces the bindings). */
export function tryOnWorker(options: HandlerOptions = {}): WorkerEntry {
  let handler: ((request: Request) => Promise<Response>) | undefined;
  let reported = '';
  return {
    async fetch(request, env) {
      if (!handler) {
        try {
          const strings = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
          const store = options.store ?? workerStore(env);
          handler = createTryOnHandler({ ...optionsFromEnv(strings), store, ...options });
        } catch (error) {
          // No startup phase on Workers: the configuration is checked on the first request, and a
          // mistake is logged (wrangler tail) once per isolate, never shown to the shopper.
          const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : 'The try-on endpoint could not start.';
          if (message !== reported) console.error(JSON.stringify({ level: 'error', event: 'config', message }));
          reported = message;
          return errorResponse(503, 'service_unavailable', 'Try-on is not available right now. Please try again later.');
        }
      }
      return handler(request);
    },
  };
}
