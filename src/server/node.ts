/**
 * The endpoint on Node: `tsx src/server/node.ts` starts it from the environment and prints its URL.
 * All logic lives in the handler; this only adapts it to node:http.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTryOnHandler, type HandlerOptions } from './handler.ts';
import { optionsFromEnv, portFromEnv } from './config.ts';

/** Starts the endpoint; `handlerOptions` override what `env` (default process.env) says. */
export async function startNodeServer(opts: {
  port?: number;
  hostname?: string;
  env?: Record<string, string | undefined>;
  handlerOptions?: HandlerOptions;
} = {}): Promise<{ url: string; close(): Promise<void> }> {
  const env = opts.env ?? process.env;
  const handler = createTryOnHandler({ ...optionsFromEnv(env), ...opts.handlerOptions });
  const hostname = opts.hostname ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: handler, port: opts.port ?? portFromEnv(env, 8787), hostname }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startNodeServer().then(
    ({ url }) => console.log(`Try-on endpoint listening on ${url}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : 'The try-on endpoint could not start.');
      process.exit(1);
    },
  );
}
