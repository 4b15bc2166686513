/**
 * The Node server (src/server/runtimes/node-server.ts through startNodeServer) against real clients on
 * loopback: an early answer (413, 401, 408) reaches a client that is still uploading, uploads
 * past the answer are cut off within the lingering bound with memory flat, and slow headers or
 * slow bodies are closed by the server's deadlines. Every exchange has its own give-up time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServer } from '../../../src/server/runtimes/node.ts';
import { CountingAdapter, FAKE_KEY, PROVIDER_SECRET, SECRET } from '../helpers.ts';
import { codeOf, rawExchange } from '../raw-client.ts';

const MB = 1024 * 1024;
const adapter = new CountingAdapter();
let server: { url: string; close(): Promise<void> };
let port = 0;

beforeAll(async () => {
  server = await startNodeServer({
    port: 0,
    env: {},
    handlerOptions: {
      provider: 'counting',
      apiKey: FAKE_KEY,
      secret: SECRET,
      basePath: '/api/try-on',
      adapters: { counting: adapter },
      bodyTimeoutMs: 1000,
      // Many uploads from one address in a few seconds: the per-IP budget is not under test here.
      rateLimits: { 'submit-ip': false },
      log: () => {},
    },
    server: { headersTimeoutMs: 500, requestTimeoutMs: 15_000 },
  });
  port = Number(new URL(server.url).port);
});
afterAll(() => server.close());

const submitHead = (framing: string) =>
  `POST /api/try-on/jobs HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: multipart/form-data; boundary=zzz\r\n${framing}\r\n\r\n`;
const hookHead = (framing: string, signed: boolean) =>
  `POST /api/try-on/webhooks/counting HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${signed ? `x-signature: ${PROVIDER_SECRET}\r\n` : ''}${framing}\r\n\r\n`;

function elevenMbForm(): FormData {
  const form = new FormData();
  form.set('consent', 'v1');
  form.set('category', 'top');
  form.set('garment', 'http://127.0.0.1/garments/shirt.png');
  form.set('photo', new Blob([new Uint8Array(11 * MB)], { type: 'image/jpeg' }), 'photo.jpg');
  return form;
}

describe('early answers reach a client that is still uploading', () => {
  it('an 11 MB submit: Node fetch reads 413 body_too_large, with and without Content-Length, 10 rounds in a row', async () => {
    const seen: string[] = [];
    for (let round = 0; round < 10; round++) {
      const declared = await fetch(`${server.url}/api/try-on/jobs`, { method: 'POST', body: elevenMbForm() });
      seen.push(`${declared.status} ${codeOf(await declared.text())}`);
      const encoded = new Response(elevenMbForm());
      const streamed = await fetch(`${server.url}/api/try-on/jobs`, {
        method: 'POST',
        body: encoded.body,
        headers: { 'content-type': encoded.headers.get('content-type')! },
        duplex: 'half',
      } as RequestInit);
      seen.push(`${streamed.status} ${codeOf(await streamed.text())}`);
    }
    expect(seen).toEqual(Array.from({ length: 20 }, () => '413 body_too_large'));
    expect(adapter.calls).toBe(0);
  }, 60_000);

  it('a client that reads only after sending its whole 12 MB body still gets the 413 JSON (no reset)', async () => {
    for (const chunked of [false, true]) {
      for (let round = 0; round < 3; round++) {
        const total = 12 * MB;
        const outcome = await rawExchange(port, {
          head: submitHead(chunked ? 'transfer-encoding: chunked' : `content-length: ${total}`),
          body: { total, chunked },
          readAfterSend: true,
          giveUpMs: 15_000,
        });
        expect({ chunked, status: outcome.status, code: codeOf(outcome.body), sent: outcome.sent }).toEqual({
          chunked,
          status: 413,
          code: 'body_too_large',
          sent: total,
        });
      }
    }
    expect(adapter.calls).toBe(0);
  }, 60_000);

  it('a 200 MB streamed submit that ignores the answer: 413 read, the upload cut off at the lingering bound, server memory flat', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const outcome = await rawExchange(port, {
      head: submitHead('transfer-encoding: chunked'),
      body: { total: 200 * MB, chunked: true },
      keepSending: true,
      giveUpMs: 30_000,
    });
    const grownMb = (process.memoryUsage().rss - before) / MB;
    console.log(`200 MB submit: ${outcome.status} after ${(outcome.sent / MB).toFixed(1)} MB sent, RSS +${grownMb.toFixed(1)} MB`);
    expect(outcome.status).toBe(413);
    expect(codeOf(outcome.body)).toBe('body_too_large');
    expect(outcome.closedByServer).toBe(true);
    // 11 MB cap + 32 MB lingering + what the two kernels buffer; nowhere near 200 MB.
    expect(outcome.sent).toBeLessThan(100 * MB);
    expect(grownMb).toBeLessThan(100);
    expect(adapter.calls).toBe(0);
  }, 40_000);
});

describe('provider callbacks are bounded', () => {
  it('a 200 MB unsigned callback is refused with 401 without being read: upload cut off, memory flat, adapter untouched', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const outcome = await rawExchange(port, {
      head: hookHead('transfer-encoding: chunked', false),
      body: { total: 200 * MB, chunked: true },
      giveUpMs: 30_000,
    });
    const grownMb = (process.memoryUsage().rss - before) / MB;
    console.log(
      `200 MB unsigned callback: ${outcome.status} after ${(outcome.sent / MB).toFixed(1)} MB sent, RSS +${grownMb.toFixed(1)} MB`,
    );
    expect(outcome.status).toBe(401);
    expect(codeOf(outcome.body)).toBe('bad_request');
    expect(outcome.closedByServer).toBe(true);
    expect(outcome.sent).toBeLessThan(100 * MB);
    expect(grownMb).toBeLessThan(100);
    expect(adapter.webhookReads).toBe(0);
  }, 40_000);

  it('a signed callback over 256 KB gets 413 body_too_large over a real socket', async () => {
    const response = await fetch(`${server.url}/api/try-on/webhooks/counting`, {
      method: 'POST',
      body: new Uint8Array(300 * 1024),
      headers: { 'x-signature': PROVIDER_SECRET, 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect(codeOf(await response.text())).toBe('body_too_large');
    expect(adapter.webhookReads).toBe(0);
  });

  it('a signed callback whose body trickles gets 408 body_timeout and its connection closed', async () => {
    const outcome = await rawExchange(port, {
      head: hookHead('transfer-encoding: chunked', true),
      trickle: { everyMs: 100, byte: '1\r\nx\r\n' },
      giveUpMs: 10_000,
    });
    expect(outcome.status).toBe(408);
    expect(codeOf(outcome.body)).toBe('body_timeout');
    expect(outcome.closedByServer).toBe(true);
    expect(adapter.webhookReads).toBe(0);
  }, 15_000);
});

describe('slow clients are closed by the server', () => {
  it('headers trickled a byte at a time are cut off by the headers deadline (slowloris)', async () => {
    const outcome = await rawExchange(port, {
      head: 'GET /api/try-on/health HTTP/1.1\r\nhost: 127.0.0.1\r\n',
      trickle: { everyMs: 100, byte: 'x' },
      giveUpMs: 10_000,
    });
    expect(outcome.closedByServer).toBe(true);
    expect(outcome.status).toBe(408);
  }, 15_000);

  it('a client that goes on trickling after its 408 is closed when the lingering time runs out', async () => {
    const short = await startNodeServer({
      port: 0,
      env: {},
      handlerOptions: {
        provider: 'counting',
        apiKey: FAKE_KEY,
        secret: SECRET,
        basePath: '/api/try-on',
        adapters: { counting: adapter },
        bodyTimeoutMs: 300,
        log: () => {},
      },
      server: { lingerMs: 500 },
    });
    try {
      const outcome = await rawExchange(Number(new URL(short.url).port), {
        head: hookHead('transfer-encoding: chunked', true),
        trickle: { everyMs: 50, byte: '1\r\nx\r\n' },
        keepSending: true,
        giveUpMs: 10_000,
      });
      expect(outcome.status).toBe(408);
      expect(outcome.closedByServer).toBe(true);
    } finally {
      await short.close();
    }
  }, 15_000);

  it('a refused request whose body was read whole keeps its keep-alive connection', async () => {
    const body = '--zzz\r\nContent-Disposition: form-data; name="debug"\r\n\r\n1\r\n--zzz--\r\n';
    const request = `POST /api/try-on/jobs HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: multipart/form-data; boundary=zzz\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const health = 'GET /api/try-on/health HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n';
    // Both requests on one connection: the second is answered only if the first left it open.
    const outcome = await rawExchange(port, { head: request + health, giveUpMs: 10_000 });
    expect(outcome.status).toBe(400);
    expect(outcome.body).toContain('"code":"bad_request"');
    expect(outcome.body).toContain('HTTP/1.1 200 OK');
    expect(outcome.body).toContain('"ok":true');
  });
});
