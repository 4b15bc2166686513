/**
 * The servers topologies.e2e.ts puts between a shopper and the endpoint, all on 127.0.0.1:
 * a reverse proxy (plain or TLS-ending, optionally writing X-Forwarded-*), a self-signed
 * certificate made with openssl, a small shop (one product page, the widget build at /cdn/, the
 * demo garments at /garments/), and the demo store in its own process, for when the endpoint
 * must trust the test certificate (Node reads NODE_EXTRA_CA_CERTS only at startup).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import {
  Agent as HttpAgent,
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { ROOT } from './helpers.ts';

export interface Certificate {
  key: Buffer;
  cert: Buffer;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS. */
  certPath: string;
}

/** A self-signed certificate for 127.0.0.1, valid one day, written into `dir`. */
export async function makeCertificate(dir: string): Promise<Certificate> {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  if (made.status !== 0) throw new Error(`openssl could not make the test certificate: ${made.stderr || made.error?.message}`);
  return { key: await readFile(keyPath), cert: await readFile(certPath), certPath };
}

/** One request as the proxy received it from its client, and what it did with it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  /** The client's headers, before the proxy touched them. */
  headers: IncomingHttpHeaders;
  /** Where it was forwarded (undefined: answered 404 by the proxy). */
  target?: string;
  status?: number;
}

/** Where a request goes: an absolute URL, or undefined for a 404 from the proxy itself. */
export type Route = (request: IncomingMessage) => URL | undefined | Promise<URL | undefined>;

export interface ProxyOptions {
  route: Route;
  /** Ends TLS with this certificate (an https proxy); plain http otherwise. */
  tls?: Certificate;
  /** Writes X-Forwarded-For (appended), X-Forwarded-Proto and X-Forwarded-Host, as nginx or a CDN does. */
  forwarded?: boolean;
}

export interface Proxy {
  origin: string;
  port: number;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

// Meaningful for one connection only: a proxy never passes them on.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase());
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.includes(name)));
}

/**
 * A reverse proxy: each request goes to `route`'s URL with the upstream's Host (as nginx's
 * default `proxy_set_header Host $proxy_host`), bodies streamed both ways, hop-by-hop headers
 * dropped. Listens on 127.0.0.1 (a free port).
 */
export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const requests: ProxiedRequest[] = [];
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const proto = options.tls ? 'https' : 'http';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const record: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers } };
    requests.push(record);
    const fail = (status: number, text: string) => {
      record.status = status;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(text);
    };
    let target: URL | undefined;
    try {
      target = await options.route(req);
    } catch (error) {
      return fail(500, `proxy route failed: ${(error as Error).message}`);
    }
    if (!target) return fail(404, 'Not found (proxy)');
    record.target = target.href;

    const headers = endToEnd(req.headers);
    headers.host = target.host;
    if (options.forwarded) {
      const client = req.socket.remoteAddress ?? '';
      headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${String(req.headers['x-forwarded-for'])}, ${client}` : client;
      headers['x-forwarded-proto'] = proto;
      if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
    }
    const secure = target.protocol === 'https:';
    const upstream = (secure ? httpsRequest : httpRequest)(
      target,
      { method: req.method, headers, agent: secure ? agents.https : agents.http },
      (answer) => {
        record.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (error) => (res.headersSent ? res.destroy() : fail(502, `Bad gateway: ${error.message}`)));
    // A client that goes away takes its upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createHttpServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${proto}://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      server.closeAllConnections();
      agents.http.destroy();
      agents.https.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Paths of `url` (a request's path and query) that start with `prefix` + `/`, or equal it; else undefined. */
export function under(url: string, prefix: string): string | undefined {
  const path = url.split('?')[0]!;
  return path === prefix || path.startsWith(`${prefix}/`) ? url.slice(prefix.length) : undefined;
}

/**
 * A product page with the widget as a merchant pastes it: one module script, one tag (as in
 * demo/site/index.html, without the demo store's own scripts, which assume the site root).
 */
export function productPage(o: { cdn: string; endpoint: string; garment: string; title: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${o.title}</title>
<script type="module" src="${o.cdn}/try-on-button.js"></script></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem"><h1>Linen Camp Shirt</h1><p>${o.title}</p>
<try-on-button endpoint="${o.endpoint}" garment="${o.garment}" category="top" product="linen-shirt"></try-on-button>
</body></html>`;
}

export interface Shop {
  url: string;
  close(): Promise<void>;
}

/** The shop's own server: `page` at `/`, the widget build at `/cdn/`, the demo garments at `/garments/`. */
export async function startShop(page: string): Promise<Shop> {
  const app = new Hono();
  app.get('/', (c) => c.html(page));
  app.use('/cdn/*', serveStatic({ root: join(ROOT, 'dist/cdn'), rewriteRequestPath: (path) => path.slice('/cdn'.length) }));
  app.use('/garments/*', serveStatic({ root: join(ROOT, 'demo/site') }));
  app.notFound((c) => c.text('Not found (shop)', 404));
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface DemoProcess {
  /** The demo store's own address (behind the proxy). */
  url: string;
  /** The endpoint's JSON log lines. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * `demo/server.ts` (the demo store: site, widget, endpoint) in a child process, with exactly
 * `env` (plus PATH and HOME) and PORT=0; `caFile` is trusted for outgoing TLS
 * (NODE_EXTRA_CA_CERTS). Resolves once it prints its address.
 */
export async function startDemoProcess(env: Record<string, string>, caFile?: string): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  child.once('error', (error) => (output += `spawn error: ${error.message}\n`));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo store did not start in 30 s:\n${output}`)), 30_000);
    const onLine = (line: string) => {
      output += `${line}\n`;
      if (line.startsWith('{')) {
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // Not a log entry: kept in `output` for the failure message.
        }
      }
      const started = /Demo store: http:\/\/localhost:(\d+)\//.exec(line);
      if (started) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${started[1]}`);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        lines.forEach(onLine);
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the demo store exited (${String(code)}) before it listened:\n${output}`));
    });
  });
  return {
    url,
    logs,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
