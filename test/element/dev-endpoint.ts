/**
 * The real try-on endpoint mounted into web-test-runner's dev server (Koa), so the element's
 * browser tests talk to the same handler merchants run, with the demo provider.
 *
 * - `/api/try-on/*`: the handler as is.
 * - `/api/flaky-try-on/*`: the same handler behind a switch that makes the next N submits answer
 *   503 (as a gateway would during a blip), set with `POST /api/__test/fail-submits?count=N`.
 *   Every submit's Idempotency-Key and answer status are recorded (`GET /api/__test/submits`)
 *   so tests can prove a retried attempt reused its key. The plain mount's submits are recorded
 *   too, with whether each carried the photo itself or only its handle (`photo`), so tests can
 *   count uploads.
 * - `/api/turnstile-try-on/*`: the handler with Cloudflare Turnstile on, against a local fake of
 *   Turnstile (turnstile-fake.ts): its client script at `/turnstile-fake/turnstile/v0/api.js`,
 *   token issue at `.../issue`, siteverify answered in-process. `GET /api/__test/turnstile`
 *   reports issued and verified tokens; `POST /api/__test/turnstile/expire` expires every token
 *   issued so far. `.../unavailable` is a script that does not load (404; with `?stall`, only once
 *   `POST /api/__test/turnstile/release`). The fail-submits switch applies to this mount too,
 *   and its submits record the `turnstileToken` they carried.
 * - `/api/queued-try-on/*`: the same handler, but while the test's line is set (`POST
 *   /api/__test/queue?position=3&eta=40`) the submit and every poll answer `queued` with that
 *   place (`pollAfterMs` 500, so tests run fast); `POST /api/__test/queue/advance` moves the job
 *   up one place; at place 0 the answers are the handler's own again (processing, completed).
 *   `GET /api/__test/queue` reports the polls and DELETEs the mount received, by job token.
 */
import { getRequestListener } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTryOnHandler } from '../../src/server/handler.ts';
import type { HandlerOptions } from '../../src/server/options.ts';
import { IDEMPOTENCY_HEADER, SUBMIT_FIELDS } from '../../src/protocol.ts';
import { FAKE_SECRET, FAKE_SITEVERIFY_URL, TurnstileFake } from './turnstile-fake.ts';
import { FAKE_ISSUE_PATH, FAKE_SCRIPT_PATH, FAKE_UNAVAILABLE_SCRIPT_PATH, TURNSTILE_ENDPOINT } from './turnstile-fake-config.ts';

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
  set(field: string, value: string): void;
}

interface SubmitRecord {
  base: string;
  key: string | null;
  status: number;
  /** The submit carried the photo's bytes (false: only its `photoRef`). */
  photo: boolean;
  /** The Turnstile token the submit carried (Turnstile mount only). */
  token?: string | null;
}

/** The request body as JSON (the fake's issue call is small). */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function tryOnMiddleware() {
  // Only errors reach the console: they explain a failing test; the rest would drown the report.
  const quiet = (entry: object) => {
    if ((entry as { level?: string }).level === 'error') console.error('[endpoint]', JSON.stringify(entry));
  };
  // The garment fixtures are served by this dev server, on this machine over plain http: the
  // endpoint's development setting for that, and this host as the only allowed garment host.
  const local = { provider: 'demo', log: quiet, devAllowLoopback: true, garmentHosts: ['127.0.0.1', 'localhost'] } satisfies HandlerOptions;
  const flakyHandler = createTryOnHandler({ ...local, basePath: '/api/flaky-try-on' });
  const submits: SubmitRecord[] = [];
  let failSubmits = 0;
  const turnstile = new TurnstileFake();
  const turnstileHandler = createTryOnHandler({
    ...local,
    basePath: TURNSTILE_ENDPOINT,
    turnstile: { secret: FAKE_SECRET, verifyUrl: FAKE_SITEVERIFY_URL },
    fetch: turnstile.fetchFor((input, init) => globalThis.fetch(input, init)),
  });

  const record = (base: string, handler: (request: Request) => Promise<Response>) =>
    getRequestListener(async (request: Request) => {
      const isSubmit = request.method === 'POST' && new URL(request.url).pathname === `${base}/jobs`;
      if (!isSubmit) return handler(request);
      const key = request.headers.get(IDEMPOTENCY_HEADER);
      const form = await request
        .clone()
        .formData()
        .catch(() => undefined);
      const photo = form?.get(SUBMIT_FIELDS.photo) instanceof Blob;
      const token = base === '/api/turnstile-try-on' ? String(form?.get(SUBMIT_FIELDS.turnstileToken) ?? '') || null : undefined;
      let response: Response;
      if (base !== '/api/try-on' && failSubmits > 0) {
        failSubmits--;
        await request.arrayBuffer();
        response = Response.json(
          { error: { code: 'provider_unavailable', message: 'Briefly unavailable (test switch).' } },
          { status: 503, headers: { 'Retry-After': '0' } },
        );
      } else {
        response = await handler(request);
      }
      submits.push({ base, key, status: response.status, photo, ...(token !== undefined && { token }) });
      return response;
    });

  // The account line as a test scripts it (the real line is proven in test/client/queue.test.ts).
  const line = { position: 0, etaSec: 0, polls: [] as string[], deletes: [] as string[] };
  const queuedHandler = createTryOnHandler({ ...local, basePath: '/api/queued-try-on' });
  const place = () => ({ status: 'queued', queue: { position: line.position, etaSec: line.etaSec }, pollAfterMs: 500 });
  const queued = getRequestListener(async (request: Request) => {
    const path = new URL(request.url).pathname;
    const job = path.startsWith('/api/queued-try-on/jobs/') ? decodeURIComponent(path.slice('/api/queued-try-on/jobs/'.length)) : '';
    if (job && request.method === 'DELETE') line.deletes.push(job);
    if (job && request.method === 'GET') {
      line.polls.push(job);
      if (line.position > 0) return Response.json(place(), { headers: { 'cache-control': 'no-store' } });
    }
    const response = await queuedHandler(request);
    if (request.method !== 'POST' || response.status !== 202 || line.position === 0) return response;
    return Response.json({ ...((await response.json()) as object), ...place() }, { status: 202 });
  });

  const flaky = record('/api/flaky-try-on', flakyHandler);
  const plainRecorded = record('/api/try-on', createTryOnHandler({ ...local, basePath: '/api/try-on' }));
  const turnstileRecorded = record('/api/turnstile-try-on', turnstileHandler);

  return async (ctx: KoaLikeContext, next: () => Promise<unknown>) => {
    if (ctx.path === '/api/__test/fail-submits' && ctx.method === 'POST') {
      failSubmits = Number(ctx.query.count ?? 1);
      submits.length = 0;
      ctx.status = 204;
      return;
    }
    if (ctx.path === '/api/__test/queue' && ctx.method === 'POST') {
      Object.assign(line, { position: Number(ctx.query.position ?? 0), etaSec: Number(ctx.query.eta ?? 0), polls: [], deletes: [] });
      ctx.status = 204;
      return;
    }
    if (ctx.path === '/api/__test/queue/advance' && ctx.method === 'POST') {
      line.position = Math.max(0, line.position - 1);
      line.etaSec = Math.max(1, line.etaSec - 15);
      ctx.status = 204;
      return;
    }
    if (ctx.path === '/api/__test/queue') {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify({ polls: line.polls, deletes: line.deletes });
      return;
    }
    if (ctx.path === '/api/__test/submits') {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(submits);
      return;
    }
    if (ctx.path === FAKE_SCRIPT_PATH) {
      ctx.type = 'text/javascript';
      ctx.body = turnstile.script();
      return;
    }
    if (ctx.path === FAKE_UNAVAILABLE_SCRIPT_PATH) {
      await turnstile.unavailable(ctx.query.stall !== undefined);
      ctx.status = 404;
      // Every load must reach the fake: a cached 404 would hide the element's second attempt.
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/plain';
      ctx.body = 'Not Found';
      return;
    }
    if (ctx.path === '/api/__test/turnstile/release' && ctx.method === 'POST') {
      turnstile.release();
      ctx.status = 204;
      return;
    }
    if (ctx.path === FAKE_ISSUE_PATH && ctx.method === 'POST') {
      const origin = typeof ctx.req.headers.origin === 'string' ? ctx.req.headers.origin : undefined;
      const answer = turnstile.issue(await readJson(ctx.req), origin);
      ctx.status = answer.status;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(answer.body);
      return;
    }
    if (ctx.path === '/api/__test/turnstile') {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(turnstile.report());
      return;
    }
    if (ctx.path === '/api/__test/turnstile/expire' && ctx.method === 'POST') {
      turnstile.expireAll();
      ctx.status = 204;
      return;
    }
    const listener = ctx.path.startsWith('/api/try-on/')
      ? plainRecorded
      : ctx.path.startsWith('/api/flaky-try-on/')
        ? flaky
        : ctx.path.startsWith('/api/turnstile-try-on/')
          ? turnstileRecorded
          : ctx.path.startsWith('/api/queued-try-on/')
            ? queued
            : undefined;
    if (!listener) return next();
    ctx.respond = false;
    await listener(ctx.req, ctx.res);
  };
}
