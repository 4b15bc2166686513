/**
 * The one garment download (ctx.fetchGarment) against real loopback servers: a redirect is
 * followed only to a target that passes the same checks, size and time are capped, and the
 * connection goes only to addresses that were checked at connect time, so a host that re-resolves
 * to a private address (DNS rebinding) is never reached. Loopback itself is reachable only under
 * the development setting (TRYON_DEV_ALLOW_LOOPBACK).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGarmentFetcher, createTransport } from '../../../src/server/garments/garment-fetch.ts';
import { addressAllowed } from '../../../src/server/garments/net-guard.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import { ApiError } from '../../../src/server/http/api-error.ts';
import { garmentPng } from '../images.ts';

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
    if (req.url === '/loop') return void res.writeHead(301, { location: '/loop' }).end();
    if (req.url?.startsWith('/to?')) return void res.writeHead(307, { location: decodeURIComponent(req.url.slice(4)) }).end();
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

/** The development address policy (loopback allowed), with an optional fake DNS for names. */
const dev = (dns: Record<string, string[]> = {}) =>
  createTransport({ allowLoopback: true, resolver: async (host) => dns[host] ?? ['127.0.0.1'] });

describe('ctx.fetchGarment', () => {
  it('downloads an allowlisted loopback garment under the development setting and sniffs its type', async () => {
    const fetchGarment = createGarmentFetcher([`127.0.0.1:${port}`], dev());
    const file = await fetchGarment(`http://127.0.0.1:${port}/shirt.png`);
    expect(file.type).toBe('image/png');
    expect(Buffer.from(file.bytes).equals(Buffer.from(garmentPng))).toBe(true);
  });

  it('without the development setting, loopback is refused however it is named, and never contacted', async () => {
    hits.length = 0;
    const resolver = async (host: string) => (host === 'localhost' ? ['127.0.0.1', '::1'] : ['127.0.0.1']);
    const prod = createGarmentFetcher(
      [`127.0.0.1:${port}`, `localhost:${port}`, `local.shop.example:${port}`],
      createTransport({ resolver }),
    );
    expect(await kindOf(prod(`http://127.0.0.1:${port}/shirt.png`))).toBe('garment_url_invalid');
    expect(await kindOf(prod(`https://127.0.0.1:${port}/shirt.png`))).toBe('garment_address_not_allowed');
    expect(await kindOf(prod(`https://localhost:${port}/shirt.png`))).toBe('garment_address_not_allowed');
    expect(await kindOf(prod(`https://local.shop.example:${port}/shirt.png`))).toBe('garment_address_not_allowed');
    expect(hits).toEqual([]);
  });

  it('follows a redirect to an allowed target; refuses a redirect off the list, to a private address or in a loop', async () => {
    const fetchGarment = createGarmentFetcher(
      [`127.0.0.1:${port}`, 'private.shop.example', 'metadata.shop.example', '169.254.169.254', '10.0.0.5'],
      dev({
        'private.shop.example': ['10.0.0.5'],
        'metadata.shop.example': ['169.254.169.254'],
      }),
    );
    hits.length = 0;
    expect(await kindOf(fetchGarment(`http://127.0.0.1:${port}/redirect`))).toBe('ok');
    expect(hits).toEqual(['/redirect', '/shirt.png']);
    const via = (target: string) => `http://127.0.0.1:${port}/to?${encodeURIComponent(target)}`;
    for (const target of [
      'https://private.shop.example/x.png',
      'https://metadata.shop.example/latest/meta-data/',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.5/x.png',
      'https://[::ffff:a00:5]/x.png',
    ]) {
      hits.length = 0;
      const kind = await kindOf(fetchGarment(via(target)));
      expect(['garment_address_not_allowed', 'garment_host_not_allowed'], target).toContain(kind);
      // Only the first hop, on the allowed host, was ever contacted.
      expect(hits.length, target).toBe(1);
    }
    expect(await kindOf(fetchGarment(via('https://evil.example/x.png')))).toBe('garment_host_not_allowed');
    expect(await kindOf(fetchGarment(via('file:///etc/passwd')))).toBe('garment_url_invalid');
    expect(await kindOf(fetchGarment(`http://127.0.0.1:${port}/loop`))).toBe('garment_rejected');
  });

  it('refuses non-images and off-list hosts', async () => {
    const fetchGarment = createGarmentFetcher([`127.0.0.1:${port}`], dev());
    expect(await kindOf(fetchGarment(`http://127.0.0.1:${port}/html`))).toBe('garment_rejected');
    expect(await kindOf(fetchGarment(`http://localhost:${port}/shirt.png`))).toBe('garment_host_not_allowed');
  });

  it('caps the size while streaming and stops reading', async () => {
    const fetchGarment = createGarmentFetcher([`127.0.0.1:${port}`], dev());
    expect(await kindOf(fetchGarment(`http://127.0.0.1:${port}/huge`, { maxBytes: 2 ** 20 }))).toBe('garment_rejected');
    await new Promise((r) => setTimeout(r, 200));
    expect(bigBytesWritten).toBeLessThan(50 * 2 ** 20);
  });

  it('gives up on a server that never answers', async () => {
    const fetchGarment = createGarmentFetcher([`127.0.0.1:${port}`], dev());
    const started = Date.now();
    expect(await kindOf(fetchGarment(`http://127.0.0.1:${port}/slow`, { timeoutMs: 300 }))).toBe('garment_rejected');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('DNS rebinding: a host that answers public first and loopback at connect time is never connected to', async () => {
    let lookups = 0;
    // First answer (the check before the request): public. Every later one (the connection's own lookup): this machine.
    const resolver = async () => (lookups++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    const fetchGarment = createGarmentFetcher([`rebind.example:${port}`], createTransport({ resolver }));
    const before = connections;
    expect(await kindOf(fetchGarment(`https://rebind.example:${port}/shirt.png`))).toBe('garment_address_not_allowed');
    expect(lookups).toBeGreaterThanOrEqual(2);
    expect(connections).toBe(before);
  });

  it('classifies addresses: only public unicast; loopback (and nothing else) under the development setting', () => {
    const never = [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      'fe80::1',
      'fd12::1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a00:1',
      '2002:a00:1::',
      '224.0.0.1',
    ];
    for (const a of [...never, '127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(addressAllowed(a), a).toBe(false);
    for (const a of never) expect(addressAllowed(a, true), `${a} (dev)`).toBe(false);
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(addressAllowed(a, true), `${a} (dev)`).toBe(true);
    for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'])
      expect(addressAllowed(a), a).toBe(true);
  });
});
