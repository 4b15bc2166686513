/**
 * Cloudflare Workers: the endpoint at /api/try-on; settings from the Worker's vars and secrets
 * (`wrangler secret put TRYON_API_KEY`, `wrangler secret put TRYON_SECRET`). See wrangler.toml.
 */
import { tryOnWorker } from '../../src/server/runtimes/cloudflare.ts';

export default tryOnWorker({ basePath: '/api/try-on' });
