/**
 * Cloudflare Workers: the endpoint at /api/try-on; settings from the Worker's vars and secrets
 * (`wrangler secret put TRYON_SECRET`, `wrangler secret put TRYON_API_KEY`), state in the
 * TryOnStore Durable Object and the R2 bucket bound in wrangler.toml.
 * In a shop's own Worker, import from 'try-on-button/cloudflare' instead of ../src.
 */
import { tryOnWorker } from '../../src/server/runtimes/cloudflare.ts';

export default tryOnWorker({ basePath: '/api/try-on' });
// The Durable Object class wrangler.toml binds as TRYON_STORE.
export { TryOnStore } from '../../src/server/runtimes/cloudflare.ts';
