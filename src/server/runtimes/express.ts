/**
 * The endpoint as Express (or Connect) middleware: `app.use('/api/try-on', tryOnExpress({ basePath: '/api/try-on', ... }))`.
 * Mount it before any body parser: the handler reads the upload itself, under its own limits.
 * All logic lives in the handler; the listener of node-server.ts adapts node:http to web
 * Request/Response (passing the socket along, so per-IP limits see the real peer) and closes
 * early answers with a lingering close. The Express app owns its server, so its deadlines are the
 * merchant's to set (`server.headersTimeout`, `server.requestTimeout`; see the README).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTryOnHandler, type HandlerOptions } from '../handler.ts';
import { nodeRequestListener } from './node-server.ts';

/** Express middleware serving the try-on endpoint under `options.basePath`. */
export function tryOnExpress(options: HandlerOptions = {}): (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => void {
  const listener = nodeRequestListener(createTryOnHandler(options));
  return (req, res) => {
    // Express strips the mount path from req.url; the handler routes on the full path.
    if (req.originalUrl) req.url = req.originalUrl;
    listener(req, res);
  };
}
