/**
 * The endpoint's one Node HTTP server (startNodeServer, so the `try-on-endpoint` command, and the
 * demo store) and its request listener (also what the Express entry mounts). It adds two things
 * node:http does not do by itself:
 *
 * - Deadlines for slow clients on every route: headers (slowloris), whole requests and idle
 *   keep-alive connections, checked often enough that a short deadline is kept.
 * - A lingering close. An answer given before the request body has arrived (413 body_too_large,
 *   408 body_timeout, 401 for an unsigned callback...) ends the connection, but node:http would
 *   then close a socket that still holds unread request bytes, and the kernel answers that with a
 *   reset: a client still uploading loses the answer it has not read yet (Node's fetch reports
 *   "other side closed" instead of the 413 JSON). So the answer is sent, our side of the
 *   connection is shut, and what the client still sends is read and thrown away, within a byte
 *   and time bound, before the socket is destroyed. Apache and Go's net/http do the same.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { getRequestListener, type HttpBindings } from '@hono/node-server';

export interface NodeServerLimits {
  /** Time for a request's headers to arrive; a slower client gets a bare 408 and is closed. */
  headersTimeoutMs: number;
  /**
   * Time for a whole request, headers and body. Kept longer than the handler's own body deadline
   * (`bodyTimeoutMs`, 30 s by default), so a slow upload gets the handler's 408 JSON first.
   */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Lingering close: the most request bytes read and discarded after an early answer... */
  lingerMaxBytes: number;
  /** ...and the longest time spent doing so, before the socket is destroyed. */
  lingerMs: number;
}

export const NODE_SERVER_DEFAULTS: NodeServerLimits = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  // A client on a fast link sends a few MB more before it reads the answer; 32 MB covers that
  // and bounds what an attacker can make the server read for nothing.
  lingerMaxBytes: 32 * 1024 * 1024,
  lingerMs: 5_000,
};

type FetchCallback = (request: Request, env: HttpBindings) => Response | Promise<Response>;
type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

const current = Symbol('tryOnCurrentRequest');
type LingeringSocket = Socket & { [current]?: IncomingMessage };

/** Reads and discards what is left of `incoming` (bounded), then destroys the socket. */
function lingerThenDestroy(socket: Socket, incoming: IncomingMessage, limits: NodeServerLimits): void {
  let discarded = 0;
  // Past a bound the socket goes at once, answer delivered or not.
  const destroy = () => socket.destroy();
  const timer = setTimeout(destroy, limits.lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // The body reader that gave up may still listen (and buffer); what is thrown away here must not be kept there.
  incoming.removeAllListeners('data');
  incoming.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limits.lingerMaxBytes) destroy();
  });
  // Everything read (or the client gave up): nothing unread is left, so closing sends no reset;
  // the answer may still sit in the socket's buffer, so it goes once that is flushed (or at the bound).
  const close = () => (socket.writableFinished ? destroy() : socket.once('finish', destroy));
  incoming.once('end', close);
  incoming.once('error', close);
  incoming.resume();
}

/**
 * node:http ends a `Connection: close` answer with `socket.destroySoon()`. For a socket whose
 * current request still has body bytes coming, that becomes: finish the answer, shut our side
 * (the client sees the answer is complete), then linger. Installed once per socket; keep-alive
 * requests on it only update which request is current.
 */
function lingerOnClose(socket: LingeringSocket, incoming: IncomingMessage, limits: NodeServerLimits): void {
  const installed = current in socket;
  socket[current] = incoming;
  if (installed) return;
  const destroySoon = socket.destroySoon;
  let lingering = false;
  socket.destroySoon = function (this: LingeringSocket) {
    const request = this[current];
    if (lingering) return;
    if (!request || request.complete || request.destroyed) return destroySoon.call(this);
    lingering = true;
    this.end();
    lingerThenDestroy(this, request, limits);
  };
}

/**
 * The node:http request listener for a web-standard `fetch` handler (@hono/node-server underneath,
 * which hands the handler `{ incoming, outgoing }` as its env, e.g. for the client's IP). An answer
 * ready before the request body has fully arrived ends the connection, with a lingering close.
 */
export function nodeRequestListener(fetch: FetchCallback, limits: Partial<NodeServerLimits> = {}): Listener {
  const resolved = { ...NODE_SERVER_DEFAULTS, ...limits };
  const listener = getRequestListener(async (request, env) => {
    const { incoming, outgoing } = env as HttpBindings;
    const response = await fetch(request, { incoming, outgoing });
    // node:http marks a body complete only on a later turn, even when all of it came with the
    // headers: give it that turn, so a small refused form keeps its keep-alive connection.
    if (!incoming.complete) await new Promise((resolve) => setImmediate(resolve));
    // The client is still sending a body nobody will read: it must not send another request after it.
    if (!incoming.complete && !outgoing.headersSent) outgoing.setHeader('connection', 'close');
    return response;
  });
  return (incoming, outgoing) => {
    lingerOnClose(incoming.socket, incoming, resolved);
    void listener(incoming, outgoing);
  };
}

/** The node:http server for `fetch`, with the deadlines and lingering close above (not yet listening). */
export function createNodeServer(fetch: FetchCallback, limits: Partial<NodeServerLimits> = {}): Server {
  const resolved = { ...NODE_SERVER_DEFAULTS, ...limits };
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new RangeError('headersTimeoutMs must not exceed requestTimeoutMs: the headers are part of the request.');
  }
  return createServer(
    {
      headersTimeout: resolved.headersTimeoutMs,
      requestTimeout: resolved.requestTimeoutMs,
      keepAliveTimeout: resolved.keepAliveTimeoutMs,
      // Node checks the two deadlines above on this interval (30 s by default): far too coarse for a 15 s deadline.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, resolved.headersTimeoutMs / 4)),
    },
    nodeRequestListener(fetch, resolved),
  );
}
