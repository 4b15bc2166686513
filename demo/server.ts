/**
 * The demo store: one Node server for the shop's static pages (demo/site), the widget build
 * (dist/cdn at /cdn/) and the try-on endpoint (/api/try-on), so the widget calls its
 * endpoint same-origin exactly as it would on a merchant's own domain.
 *
 * `npm start` builds the widget and runs this file.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { createTryOnHandler } from '../src/server/handler.ts';
import { optionsFromEnv, portFromEnv } from '../src/server/config.ts';
import { createNodeServer } from '../src/server/runtimes/node-server.ts';
import { createLogger } from '../src/server/log.ts';

const SITE_DIR = fileURLToPath(new URL('./site/', import.meta.url));
const CDN_DIR = fileURLToPath(new URL('../dist/cdn/', import.meta.url));
const ENDPOINT_PATH = '/api/try-on';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** Port to listen on; 0 picks a free one. Default 5173. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1: the demo is not meant to be reachable from the network. */
  host?: string;
  /** Environment the endpoint is configured from (TRYON_* names). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Receives the endpoint's structured log entries. Default: JSON lines on stdout/stderr. */
  log?: (entry: object) => void;
}

/** A running demo store. */
export interface DemoServer {
  /** Base URL of the store on the bound address, ending in `/`. */
  url: string;
  /** The port actually bound (useful with `port: 0`). */
  port: number;
  /** Absolute URL of the try-on endpoint. */
  endpoint: string;
  /** Provider the endpoint uses. */
  provider: string;
  close(): Promise<void>;
}

/** Builds the demo store's request handler (exported for tests that need no socket). */
export function createDemoApp(
  env: Record<string, string | undefined> = process.env,
  log?: (entry: object) => void,
): { fetch: (request: Request) => Response | Promise<Response>; provider: string } {
  const fromEnv = optionsFromEnv(env);
  // The demo's garments are served by this same local server: a development setup, so loopback
  // garment hosts are allowed here (TRYON_DEV_ALLOW_LOOPBACK), unless the environment says otherwise.
  const options = {
    ...fromEnv,
    garmentHosts: fromEnv.garmentHosts ?? ['localhost', '127.0.0.1'],
    devAllowLoopback: fromEnv.devAllowLoopback ?? true,
    basePath: ENDPOINT_PATH,
    ...(log ? { log } : {}),
  };
  const tryOn = createTryOnHandler(options);
  const app = new Hono();

  app.all(ENDPOINT_PATH, (c) => tryOn(c.req.raw));
  app.all(`${ENDPOINT_PATH}/*`, (c) => tryOn(c.req.raw));

  app.use('/cdn/*', async (c, next) => {
    // Hashed chunks never change; the entry's URL is stable, so it must be revalidated.
    c.header('Cache-Control', /\/chunks\//.test(c.req.path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    await next();
  });
  app.use('/cdn/*', serveStatic({ root: CDN_DIR, rewriteRequestPath: (path) => path.slice('/cdn'.length) }));
  app.get('/cdn/*', (c) => {
    if (!existsSync(CDN_DIR)) {
      return c.text('The widget is not built yet: run `npm run build:widget` (or `npm start`, which builds it first).', 503);
    }
    return c.text('Not found', 404);
  });

  app.use('*', async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
  });
  app.use('*', serveStatic({ root: SITE_DIR }));
  app.notFound((c) => c.text('Not found', 404));

  return { fetch: app.fetch, provider: options.provider ?? 'demo' };
}

function listen(server: ReturnType<typeof createNodeServer>, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Starts the demo store. Resolves once it is listening.
 * @example const demo = await startDemo({ port: 0 }); console.log(demo.url); await demo.close();
 */
export async function startDemo(opts: DemoOptions = {}): Promise<DemoServer> {
  const host = opts.host ?? '127.0.0.1';
  const { fetch, provider } = createDemoApp(opts.env ?? process.env, opts.log);
  // The endpoint's own Node server: its deadlines, and early answers (413...) the browser can read.
  const server = createNodeServer(fetch);
  const address = await listen(server, opts.port ?? 5173, host);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${address.port}/`;
  return {
    url,
    port: address.port,
    endpoint: new URL(ENDPOINT_PATH, url).href,
    provider,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from a browser would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/**
 * The endpoint's log for `npm start`: JSON lines as everywhere (through the server's own default
 * sink), less the start-up warnings about what the demo chooses itself (a secret made for this
 * process, garments served by this same machine), which a newcomer has nothing to do about. Setting
 * TRYON_SECRET or TRYON_DEV_ALLOW_LOOPBACK is a choice of one's own, and its warning shows again.
 */
function demoLog(env: Record<string, string | undefined>): (entry: object) => void {
  const demoDefaults = [
    ...(env.TRYON_SECRET ? [] : ['TRYON_SECRET is not set']),
    ...(env.TRYON_DEV_ALLOW_LOOPBACK === undefined ? ['TRYON_DEV_ALLOW_LOOPBACK is on'] : []),
  ];
  // An entry's own time and level win over the ones createLogger adds, and the default sink routes
  // by level (warnings and errors to stderr): the line is exactly what the endpoint would print.
  const print = createLogger(undefined, [], Date.now);
  return (entry) => {
    const { level, event, message } = entry as { level?: string; event?: string; message?: string };
    if (level === 'warn' && event === 'config' && demoDefaults.some((text) => message?.startsWith(text))) return;
    print.info(entry as Record<string, unknown>);
  };
}

/** Tries the preferred port, then the next few, then any free port. */
async function startOnFreePort(preferred: number, log: (entry: object) => void): Promise<DemoServer> {
  for (const port of [preferred, preferred + 1, preferred + 2, preferred + 3, 0]) {
    try {
      return await startDemo({ port, log });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      console.warn(`Port ${port} is busy, trying another.`);
    }
  }
  throw new Error('No free port found for the demo store.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const demo = await startOnFreePort(portFromEnv(process.env, 5173), demoLog(process.env));
    if (!existsSync(CDN_DIR)) console.warn('Warning: dist/cdn is missing, run `npm run build:widget` so the page can load the widget.');
    const local = `http://localhost:${demo.port}`;
    const provider = demo.provider === 'demo' ? 'demo — a built-in preview, no key needed' : demo.provider;
    // A newcomer's whole start: where to go, what answers the try-on, how to stop.
    console.log(`\n  Demo store: ${local}/`);
    console.log(`  Try-on endpoint: ${local}/api/try-on (provider: ${provider})`);
    console.log('  Press Ctrl+C to stop.');
    const stop = () => void demo.close().finally(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    // Configuration errors name the variable to fix; show that sentence, not a stack.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
