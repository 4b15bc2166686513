/**
 * Next.js App Router: every method under /api/try-on/* goes to the endpoint.
 * Copy to app/api/try-on/[...path]/route.ts (import from the package instead of ../src).
 */
import { tryOnNext } from '../../../../../../src/server/runtimes/next.ts';
import { optionsFromEnv } from '../../../../../../src/server/config.ts';

// The Node.js runtime: garment hosts get the full DNS address check there.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const { GET, POST, DELETE, OPTIONS } = tryOnNext({ ...optionsFromEnv(process.env), basePath: '/api/try-on' });
