/**
 * The real try-on endpoint mounted into web-test-runner's dev server (Koa), so the element's
 * browser tests talk to the same handler merchants run, with the demo provider.
 *
 * - `/api/try-on/*`: the handler as is.
 * - `/api/flaky-try-on/*`: the same handler behind a switch that makes the next N submits answer
 *   503 (as a gateway would during a blip), set with `POST /api/__test/fail-submits?count=N`.
 *   Every submit's Idempotency-Key and answer status are recorded (`GET /api/__test/submits`)
 *   so tests can prove a retried attempt reused its key.
 */
import { getRequestListener } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTryOnHandler } from '../../src/server/handler.ts';
import { IDEMPOTENCY_HEADER } from '../../src/protocol.ts';

interface KoaLikeContext {
  path: string;
  method: string;
  query: Record<string, string | string[] | undefined>;
  req: IncomingMessage;
  res: ServerResponse;
  respond?: boolean;
  status: number;
  body: unknown;
  type: string;
}

interface SubmitRecord {
  base: string;
  key: string | null;
  status: number;
}

export function tryOnMiddleware() {
  // Only errors reach the console: they explain a failing test; the rest would drown the report.
  const quiet = (entry: object) => {
    if ((entry as { level?: string }).level === 'error') console.error('[endpoint]', JSON.stringify(entry));
  };
  const flakyHandler = createTryOnHandler({ basePath: '/api/flaky-try-on', provider: 'demo', log: quiet });
  const submits: SubmitRecord[] = [];
  let failSubmits = 0;

  const record = (base: string, handler: (request: Request) => Promise<Response>) =>
    getRequestListener(async (request: Request) => {
      const isSubmit = request.method === 'POST' && new URL(request.url).pathname === `${base}/jobs`;
      if (!isSubmit) return handler(request);
      const key = request.headers.get(IDEMPOTENCY_HEADER);
      let response: Response;
      if (base === '/api/flaky-try-on' && failSubmits > 0) {
        failSubmits--;
        await request.arrayBuffer();
        response = Response.json(
          { error: { code: 'provider_unavailable', message: 'Briefly unavailable (test switch).' } },
          { status: 503, headers: { 'Retry-After': '0' } },
        );
      } else {
        response = await handler(request);
      }
      submits.push({ base, key, status: response.status });
      return response;
    });

  const flaky = record('/api/flaky-try-on', flakyHandler);
  const plainRecorded = record('/api/try-on', createTryOnHandler({ basePath: '/api/try-on', provider: 'demo', log: quiet }));

  return async (ctx: KoaLikeContext, next: () => Promise<unknown>) => {
    if (ctx.path === '/api/__test/fail-submits' && ctx.method === 'POST') {
      failSubmits = Number(ctx.query.count ?? 1);
      submits.length = 0;
      ctx.status = 204;
      return;
    }
    if (ctx.path === '/api/__test/submits') {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(submits);
      return;
    }
    const listener = ctx.path.startsWith('/api/try-on/') ? plainRecorded : ctx.path.startsWith('/api/flaky-try-on/') ? flaky : undefined;
    if (!listener) return next();
    ctx.respond = false;
    await listener(ctx.req, ctx.res);
  };
}
