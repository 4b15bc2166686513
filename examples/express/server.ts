/**
 * Express: the try-on endpoint mounted at /api/try-on next to the shop's own routes.
 * Run: TRYON_SECRET=… npx tsx examples/express/server.ts
 */
import express from 'express';
import { fileURLToPath } from 'node:url';
import { tryOnExpress } from '../../src/server/runtimes/express.ts';
import { optionsFromEnv } from '../../src/server/config.ts';

export function createApp(env: Record<string, string | undefined> = process.env): express.Express {
  const app = express();
  // Before any body parser: the endpoint reads the upload itself, under its own size and time limits.
  app.use('/api/try-on', tryOnExpress({ ...optionsFromEnv(env), basePath: '/api/try-on' }));
  app.use(express.json());
  app.use('/garments', express.static(fileURLToPath(new URL('../../demo/site/garments/', import.meta.url))));
  app.get('/', (_req, res) => {
    res
      .type('html')
      .send(
        '<script type="module" src="/cdn/try-on-button.js"></script><try-on-button endpoint="/api/try-on" category="top"></try-on-button>',
      );
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => console.log(`Express shop on http://127.0.0.1:${port}/`));
}
