/**
 * The endpoint as Express (or Connect) middleware: `app.use('/api/try-on', tryOnExpress({ basePath: '/api/try-on', ... }))`.
 * Mount it before any body parser: the handler reads the upload itself, under its own limits.
 * All logic lives in the handler; @hono/node-server adapts node:http to web Request/Response
 * (and passes the socket along, so per-IP limits see the real peer).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createTryOnHandler, type HandlerOptions } from './handler.ts';

/** Express middleware serving the try-on endpoint under `options.basePath`. */
export function tryOnExpress(options: HandlerOptions = {}): (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => void {
  const listener = getRequestListener(createTryOnHandler(options));
  return (req, res) => {
    // Express strips the mount path from req.url; the handler routes on the full path.
    if (req.originalUrl) req.url = req.originalUrl;
    void listener(req, res);
  };
}
