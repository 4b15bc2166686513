/**
 * Server-side request forgery against the real Node endpoint in its default configuration: a
 * canary server on this machine counts every request, and no hostile submit may reach it, whether
 * it forges the Host header (the old default allowlist was the request's own host), names a host
 * that resolves to this machine, or goes through an allowed host that redirects to one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startNodeServer } from '../../../src/server/runtimes/node.ts';
import { garmentPng, photoPng } from '../images.ts';
import { rawMultipart } from '../access-helpers.ts';

let canary: Server;
let canaryPort = 0;
const canaryHits: string[] = [];
let redirector: Server;
let redirectorPort = 0;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  canary = createServer((req, res) => {
    canaryHits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(garmentPng));
  });
  canaryPort = await listen(canary);
  redirector = createServer((req, res) => {
    res.writeHead(302, { location: `http://localhost:${canaryPort}/internal.png` }).end();
  });
  redirectorPort = await listen(redirector);
});
afterAll(async () => {
  for (const server of [canary, redirector]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A submit over a raw socket, so the Host header can be forged as an attacker would. */
function submit(endpoint: string, garment: string, host?: string): Promise<{ status: number; code: string }> {
  const { body, type } = rawMultipart([
    { name: 'photo', value: photoPng, filename: 'me.png' },
    { name: 'garment', value: garment },
    { name: 'category', value: 'top' },
    { name: 'consent', value: 'v1' },
  ]);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${endpoint}/jobs`, {
      method: 'POST',
      headers: { 'content-type': type, 'content-length': String(body.length), ...(host ? { host } : {}) },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as { error?: { code: string } }).error?.code ?? 'none' }),
      );
    });
    req.on('error', reject);
    req.end(Buffer.from(body));
  });
}

async function endpoint(env: Record<string, string>) {
  const server = await startNodeServer({
    port: 0,
    env: { TRYON_SECRET: 'ssrf-test-secret-0123456789abcdef', ...env },
    handlerOptions: { basePath: '/api/try-on', log: () => {} },
  });
  return { base: `${server.url}/api/try-on`, close: server.close };
}

describe('no server-side request forgery in the default configuration', () => {
  it('a forged Host no longer allowlists itself: the canary on this machine is never contacted', async () => {
    const { base, close } = await endpoint({});
    try {
      canaryHits.length = 0;
      for (const garment of [
        `http://127.0.0.1:${canaryPort}/x.png`,
        `https://127.0.0.1:${canaryPort}/x.png`,
        `http://localhost:${canaryPort}/x.png`,
      ]) {
        const answer = await submit(base, garment, `127.0.0.1:${canaryPort}`);
        expect(answer.status, garment).toBeGreaterThanOrEqual(400);
        expect(answer.status, garment).toBeLessThan(500);
        expect(['garment_host_not_allowed', 'garment_url_invalid'], garment).toContain(answer.code);
      }
      expect(canaryHits).toEqual([]);
    } finally {
      await close();
    }
  });

  it('with TRYON_PUBLIC_URL only its host is allowed, whatever Host says', async () => {
    const { base, close } = await endpoint({ TRYON_PUBLIC_URL: 'https://shop.example/api/try-on' });
    try {
      canaryHits.length = 0;
      const answer = await submit(base, `https://127.0.0.1:${canaryPort}/x.png`, `127.0.0.1:${canaryPort}`);
      expect(answer).toEqual({ status: 422, code: 'garment_host_not_allowed' });
      expect(canaryHits).toEqual([]);
    } finally {
      await close();
    }
  });

  it('an allowlisted name that resolves to this machine (real DNS: localhost → 127.0.0.1 / ::1) is refused', async () => {
    const { base, close } = await endpoint({ TRYON_GARMENT_HOSTS: 'localhost' });
    try {
      canaryHits.length = 0;
      expect(await submit(base, `https://localhost:${canaryPort}/x.png`)).toEqual({ status: 422, code: 'garment_address_not_allowed' });
      expect(await submit(base, `http://localhost:${canaryPort}/x.png`)).toEqual({ status: 400, code: 'garment_url_invalid' });
      expect(canaryHits).toEqual([]);
    } finally {
      await close();
    }
  });

  it('under the development setting, an allowed loopback host that redirects to a host off the list is not followed', async () => {
    const { base, close } = await endpoint({ TRYON_GARMENT_HOSTS: `127.0.0.1:${redirectorPort}`, TRYON_DEV_ALLOW_LOOPBACK: '1' });
    try {
      canaryHits.length = 0;
      expect(await submit(base, `http://127.0.0.1:${redirectorPort}/shirt.png`)).toEqual({ status: 422, code: 'garment_host_not_allowed' });
      expect(canaryHits).toEqual([]);
    } finally {
      await close();
    }
  });
});
