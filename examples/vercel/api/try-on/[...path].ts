/**
 * Vercel Functions: /api/try-on/* served by the endpoint; settings from the project's
 * environment variables.
 */
import { tryOnVercel } from '../../../../src/server/runtimes/vercel.ts';

export default tryOnVercel({ basePath: '/api/try-on' });
