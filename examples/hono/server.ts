/**
 * Hono (on Node here; the same app runs on Bun, Deno and Workers): the endpoint at /api/try-on.
 * Run: TRYON_SECRET=… npx tsx examples/hono/server.ts
 */
import { Hono } from 'hono';
import { fileURLToPath } from 'node:url';
import { tryOnHono } from '../../src/server/runtimes/hono.ts';
import { optionsFromEnv } from '../../src/server/config.ts';
import { createNodeServer } from '../../src/server/runtimes/node.ts';

export function createApp(env: Record<string, string | undefined> = process.env): Hono {
  const app = new Hono();
  app.all('/api/try-on/*', tryOnHono({ ...optionsFromEnv(env), basePath: '/api/try-on' }));
  app.get('/', (c) =>
    c.html(
      '<script type="module" src="/cdn/try-on-button.js"></script><try-on-button endpoint="/api/try-on" category="top"></try-on-button>',
    ),
  );
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  // The endpoint's Node server: deadlines for slow clients, and early answers (413...) a browser can read.
  createNodeServer(createApp().fetch).listen(port, '127.0.0.1', () => console.log(`Hono shop on http://127.0.0.1:${port}/`));
}
