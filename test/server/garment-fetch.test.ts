/**
 * The one garment download (ctx.fetchGarment) against real loopback servers: redirects are not
 * followed, size and time are capped, and the connection goes only to addresses that were checked
 * at connect time, so a host that re-resolves to a private address (DNS rebinding) is never reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGarmentFetcher, createTransport } from '../../src/server/garment-fetch.ts';
import { addressAllowed } from '../../src/server/net-guard.ts';
import { ProviderError } from '../../src/server/providers/errors.ts';
import { ApiError } from '../../src/server/api-error.ts';
import { garmentPng } from './images.ts';

let server: Server;
let port = 0;
const hits: string[] = [];
let connections = 0;
let bigBytesWritten = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/shirt.png') return void res.end(Buffer.from(garmentPng));
    if (req.url === '/redirect') return void res.writeHead(302, { location: '/shirt.png' }).end();
    if (req.url === '/html') return void res.end('<html>not an image</html>');
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (bigBytesWritten < 200 * 2 ** 20 && !res.destroyed) {
          bigBytesWritten += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    if (req.url === '/slow') return; // never answers
    res.writeHead(404).end();
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const kindOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof ApiError || error instanceof ProviderError) return (error as { code?: string }).code ?? error.message;
    return `unexpected: ${String(error)}`;
  }
};

describe('ctx.fetchGarment', () => {
  it('downloads an allowlisted loopback garment and sniffs its type', async () => {
    const fetchGarment = createGarmentFetcher([`127.0.0.1:${port}`]);
    const file = await fetchGarment(`http://127.0.0.1:${port}/shirt.png`);
    expect(file.type).toBe('image/png');
    expect(Buffer.from(file.bytes).equals(Buffer.from(garmentPng))).toBe(true);
  });

  it('does not follow a redirect, refuses non-images and off-list hosts', async () => {
    const fetchGarment = createGarmentFetcher([`127.0.0.1:${port}`]);
    hits.length = 0;
    expect(await kindOf(fetchGarment(`http://127.0.0.1:${port}/redirect`))).toBe('garment_rejected');
    expect(hits).toEqual(['/redirect']);
    expect(await kindOf(fetchGarment(`http://127.0.0.1:${port}/html`))).toBe('garment_rejected');
    expect(await kindOf(fetchGarment(`http://localhost:${port}/shirt.png`))).toBe('garment_host_not_allowed');
  });

  it('caps the size while streaming and stops reading', async () => {
    const fetchGarment = createGarmentFetcher([`127.0.0.1:${port}`]);
    expect(await kindOf(fetchGarment(`http://127.0.0.1:${port}/huge`, { maxBytes: 2 ** 20 }))).toBe('garment_rejected');
    await new Promise((r) => setTimeout(r, 200));
    expect(bigBytesWritten).toBeLessThan(50 * 2 ** 20);
  });

  it('gives up on a server that never answers', async () => {
    const fetchGarment = createGarmentFetcher([`127.0.0.1:${port}`]);
    const started = Date.now();
    expect(await kindOf(fetchGarment(`http://127.0.0.1:${port}/slow`, { timeoutMs: 300 }))).toBe('garment_rejected');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('DNS rebinding: a host that answers public first and loopback at connect time is never connected to', async () => {
    let lookups = 0;
    // First answer (the check before the request): public. Every later one (the connection's own lookup): this machine.
    const resolver = async () => (lookups++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    const fetchGarment = createGarmentFetcher([`rebind.example:${port}`], createTransport(resolver));
    const before = connections;
    expect(await kindOf(fetchGarment(`https://rebind.example:${port}/shirt.png`))).toBe('garment_address_not_allowed');
    expect(lookups).toBeGreaterThanOrEqual(2);
    expect(connections).toBe(before);
  });

  it('classifies addresses: only public unicast, loopback only for loopback names', () => {
    for (const a of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '127.0.0.1', '0.0.0.0', '100.64.0.1', '::1', 'fe80::1', 'fd12::1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:a00:1::', '224.0.0.1']) {
      expect(addressAllowed(a, 'cdn.example.com'), a).toBe(false);
    }
    for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34']) expect(addressAllowed(a, 'cdn.example.com'), a).toBe(true);
    expect(addressAllowed('127.0.0.1', 'localhost')).toBe(true);
    expect(addressAllowed('93.184.216.34', 'localhost')).toBe(false);
  });
});
