/**
 * The endpoint on Node: `tsx src/server/runtimes/node.ts` starts it from the environment and prints its URL.
 * All logic lives in the handler; this only adapts it to node:http (the server of node-server.ts).
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTryOnHandler, type HandlerOptions } from '../handler.ts';
import { optionsFromEnv, portFromEnv } from '../config.ts';
import { createNodeServer, NODE_SERVER_DEFAULTS, type NodeServerLimits } from './node-server.ts';

// For a Node server around a larger app (e.g. a Hono shop mounting tryOnHono): the same deadlines and lingering close.
export { createNodeServer, nodeRequestListener, NODE_SERVER_DEFAULTS, type NodeServerLimits } from './node-server.ts';

/** Starts the endpoint; `handlerOptions` override what `env` (default process.env) says. */
export async function startNodeServer(
  opts: {
    port?: number;
    hostname?: string;
    env?: Record<string, string | undefined>;
    handlerOptions?: HandlerOptions;
    /** Deadlines and lingering close of the Node server (see node-server.ts); tests shorten them. */
    server?: Partial<NodeServerLimits>;
  } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const env = opts.env ?? process.env;
  const handlerOptions = { ...optionsFromEnv(env), ...opts.handlerOptions };
  const handler = createTryOnHandler(handlerOptions);
  // Unless told otherwise, Node's whole-request deadline stays behind the handler's body deadline,
  // so a slow upload gets the handler's 408 JSON rather than Node's bare 408.
  const requestTimeoutMs =
    opts.server?.requestTimeoutMs ?? Math.max(NODE_SERVER_DEFAULTS.requestTimeoutMs, (handlerOptions.bodyTimeoutMs ?? 0) + 10_000);
  const server = createNodeServer(handler, { ...opts.server, requestTimeoutMs });
  const hostname = opts.hostname ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? portFromEnv(env, 8787), hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
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
