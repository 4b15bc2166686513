import { describe, expect, it } from 'vitest';
import { optionsFromEnv, portFromEnv } from '../../src/server/config.ts';
import { createTryOnHandler } from '../../src/server/handler.ts';
import { startNodeServer } from '../../src/server/runtimes/node.ts';
import { PROVIDER_NAMES, getAdapter } from '../../src/server/providers/registry.ts';
import { FAKE_KEY } from './helpers.ts';

describe('optionsFromEnv', () => {
  it('reads every DESIGN.md variable', () => {
    const options = optionsFromEnv({
      TRYON_PROVIDER: 'demo',
      TRYON_API_KEY: FAKE_KEY,
      TRYON_PROVIDER_URL: 'http://127.0.0.1:9999',
      TRYON_SECRET: 'a-long-enough-secret-value-0123456789',
      TRYON_ALLOWED_ORIGINS: 'https://shop.example, https://www.shop.example',
      TRYON_GARMENT_HOSTS: 'cdn.shop.example,*.images.example',
      TRYON_PUBLIC_URL: 'https://shop.example/api/try-on',
      TRYON_PROVIDER_OPTIONS: 'seed=42,tier=fast',
    });
    expect(options).toEqual({
      provider: 'demo',
      apiKey: FAKE_KEY,
      providerUrl: 'http://127.0.0.1:9999',
      secret: 'a-long-enough-secret-value-0123456789',
      allowedOrigins: ['https://shop.example', 'https://www.shop.example'],
      garmentHosts: ['cdn.shop.example', '*.images.example'],
      publicUrl: 'https://shop.example/api/try-on',
      providerOptions: { seed: '42', tier: 'fast' },
    });
  });

  it('an empty environment is the demo provider', () => {
    expect(optionsFromEnv({})).toEqual({ provider: 'demo' });
  });

  it('a non-demo provider without a key is an error naming TRYON_API_KEY, never printing values', () => {
    const adapters = { acme: { ...getAdapter('demo'), name: 'acme' } };
    expect(() => createTryOnHandler({ provider: 'acme', adapters, log: () => {} })).toThrow(/TRYON_API_KEY/);
    expect(() => createTryOnHandler({ provider: 'acme', adapters, apiKey: FAKE_KEY, log: () => {} })).not.toThrow();
  });

  it('TRYON_BASE_PATH mounts the routes under a path; TRYON_DEV_ALLOW_LOOPBACK is read as a switch and warned about', async () => {
    const logs: object[] = [];
    const handler = createTryOnHandler({
      ...optionsFromEnv({ TRYON_BASE_PATH: '/api/try-on', TRYON_DEV_ALLOW_LOOPBACK: '1' }),
      log: (e) => logs.push(e),
    });
    expect((await handler(new Request('http://127.0.0.1:8787/api/try-on/health'))).status).toBe(200);
    expect((await handler(new Request('http://127.0.0.1:8787/health'))).status).toBe(404);
    expect(JSON.stringify(logs)).toContain('TRYON_DEV_ALLOW_LOOPBACK is on');
    expect(optionsFromEnv({ TRYON_DEV_ALLOW_LOOPBACK: '0' }).devAllowLoopback).toBe(false);
    expect(optionsFromEnv({}).devAllowLoopback).toBeUndefined();
  });

  it('mistakes name the variable and do not echo secrets', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ TRYON_PROVIDER: 'nope' }, /TRYON_PROVIDER.*Choose one of: demo/],
      [{ TRYON_PUBLIC_URL: 'shop.example' }, /TRYON_PUBLIC_URL/],
      [{ TRYON_PROVIDER_URL: 'ftp://x' }, /TRYON_PROVIDER_URL/],
      [{ TRYON_ALLOWED_ORIGINS: 'https://shop.example/path' }, /TRYON_ALLOWED_ORIGINS/],
      [{ TRYON_GARMENT_HOSTS: 'https://cdn.example/x' }, /TRYON_GARMENT_HOSTS/],
      [{ TRYON_SECRET: 'short', TRYON_API_KEY: FAKE_KEY }, /TRYON_SECRET/],
      [{ TRYON_PROVIDER_OPTIONS: 'novalue' }, /TRYON_PROVIDER_OPTIONS/],
      [{ TRYON_BASE_PATH: 'api try-on' }, /TRYON_BASE_PATH/],
      [{ TRYON_DEV_ALLOW_LOOPBACK: 'yes please' }, /TRYON_DEV_ALLOW_LOOPBACK/],
    ];
    for (const [env, pattern] of cases) {
      let message = '';
      try {
        createTryOnHandler({ ...optionsFromEnv(env), log: () => {} });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, JSON.stringify(env)).toMatch(pattern);
      expect(message).not.toContain(FAKE_KEY);
      expect(message).not.toContain('short');
    }
  });

  it('PORT', () => {
    expect(portFromEnv({ PORT: '8080' }, 1)).toBe(8080);
    expect(portFromEnv({}, 1234)).toBe(1234);
    expect(() => portFromEnv({ PORT: 'http' }, 1)).toThrow(/PORT/);
  });

  it('the registry lists demo and refuses unknown names', () => {
    expect(PROVIDER_NAMES).toContain('demo');
    expect(getAdapter('demo').name).toBe('demo');
    expect(() => getAdapter('constructor')).toThrow(/Unknown try-on provider/);
  });
});

describe('startNodeServer', () => {
  it('serves the handler over real HTTP on 127.0.0.1 and closes', async () => {
    const server = await startNodeServer({
      port: 0,
      env: { TRYON_SECRET: 'node-server-secret-0123456789abcdef' },
      handlerOptions: { log: () => {} },
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.url}/health`);
      expect(await response.json()).toEqual({ ok: true, provider: 'demo' });
      const bad = await fetch(`${server.url}/jobs`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
      expect(bad.status).toBe(415);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});
