/**
 * A ProviderContext for adapter tests, backed by a real loopback file host so that
 * `publishFile` URLs can really be fetched by a fake provider (as a real provider would fetch
 * the shopper photo from the endpoint's public URL).
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../../src/server/store/store.ts';
import type { ProviderContext } from '../../src/server/providers/types.ts';
import { createGarmentFetcher, createTransport } from '../../src/server/garments/garment-fetch.ts';

export interface TestContext {
  ctx: ProviderContext;
  /** Files published through ctx.publishFile, by id. */
  files: Map<string, { bytes: Uint8Array; type: string; expiresAt: number }>;
  close(): Promise<void>;
}

export async function createTestContext(init: {
  baseUrl: string;
  apiKey: string;
  options?: Record<string, string>;
  publicUrl?: string;
}): Promise<TestContext> {
  const files: TestContext['files'] = new Map();
  const app = new Hono();
  app.get('/files/:id', (c) => {
    const file = files.get(c.req.param('id'));
    if (!file || file.expiresAt < Date.now()) return c.json({ error: { code: 'not_found', message: 'gone' } }, 404);
    return c.body(new Uint8Array(file.bytes), 200, { 'content-type': file.type });
  });
  let server: ServerType | undefined;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  const hostUrl = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  const ctx: ProviderContext = {
    baseUrl: init.baseUrl,
    apiKey: init.apiKey,
    fetch: globalThis.fetch,
    store: new MemoryStore(),
    options: init.options ?? {},
    publicUrl: init.publicUrl ?? hostUrl,
    secret: 'test-secret-of-the-endpoint',
    now: Date.now,
    async publishFile(bytes, contentType, ttlMs) {
      const id = randomBytes(18).toString('base64url');
      files.set(id, { bytes, type: contentType, expiresAt: Date.now() + ttlMs });
      return `${hostUrl}/files/${id}`;
    },
    // Garments are published on this loopback file host, the one host it allows.
    // (a loopback host: the development setting's address policy).
    fetchGarment: (url, limits) => createGarmentFetcher([new URL(hostUrl).host], createTransport({ allowLoopback: true }))(url, limits),
  };
  return {
    ctx,
    files,
    async close() {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}
