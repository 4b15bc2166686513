/**
 * The demo store (demo/server.ts's app, unchanged) behind gzip, as a merchant's CDN or host
 * would serve it, so "bytes from the network" are compressed bytes. The demo server itself does
 * not compress; measuring it raw would overstate every figure.
 */
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { createAdaptorServer } from '@hono/node-server';
import { createDemoApp } from '../../demo/server.ts';

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

export async function startGzipDemo(): Promise<PageServer> {
  const demo = createDemoApp({ TRYON_PROVIDER: 'demo', TRYON_SECRET: 'bench-secret-0123456789abcdef0123456789' }, () => {});
  const app = new Hono();
  app.use('*', compress({ encoding: 'gzip' }));
  app.all('*', (c) => demo.fetch(c.req.raw));
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
