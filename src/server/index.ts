/**
 * `try-on-button/server`: the endpoint as a web-standard `(Request) => Promise<Response>`
 * handler, for any runtime. Runtime adapters have their own entries (`try-on-button/node`,
 * `/express`, `/hono`, `/next`, `/cloudflare`, `/vercel`) so importing this one pulls in no
 * runtime's code.
 */
export { createTryOnHandler } from './handler.ts';
export type { HandlerOptions } from './options.ts';
export { optionsFromEnv, portFromEnv, ConfigError } from './config.ts';
export { MemoryStore, type Store } from './store/store.ts';
export { PROVIDER_NAMES } from './providers/registry.ts';
export type { CatalogProduct, ProductResolver } from './garments/catalog.ts';
export type {
  JobState,
  ProviderAdapter,
  ProviderContext,
  ProviderPhoto,
  ProviderWebhook,
  SubmitInput,
  SubmitResult,
  WebhookCallback,
} from './providers/types.ts';
export { ProviderError, type ProviderErrorKind } from './providers/errors.ts';
export {
  CATEGORIES,
  ERROR_CODES,
  LIMITS,
  PROTOCOL_VERSION,
  type Category,
  type ErrorBody,
  type ErrorCode,
  type HealthResponse,
  type JobStatus,
  type StatusResponse,
  type SubmitResponse,
} from '../protocol.ts';
