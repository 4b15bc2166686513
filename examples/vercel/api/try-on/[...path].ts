/**
 * Vercel Functions: /api/try-on/* served by the endpoint; settings from the project's
 * environment variables. The Node.js runtime (the default here) with REDIS_URL and TRYON_SECRET:
 * each invocation may run in another instance, so the state is in Redis. On the Edge runtime the
 * handler refuses to start (it has no store there). Vercel caps request bodies at 4.5 MB.
 */
import { tryOnVercel } from '../../../../src/server/runtimes/vercel.ts';

export default tryOnVercel({ basePath: '/api/try-on' });
