/**
 * The widget's client against the real endpoint in the provider account's line (issue 13), end to
 * end over HTTP on 127.0.0.1: the endpoint configured from the environment as a merchant does, with
 * a provider limit (`TRYON_PROVIDER_LIMITS=generate=1`) in front of the Pixazo fake. A second and
 * a third try-on get `queued` with their place from submitJob and pollJob; deleteJob (the widget's
 * cancel) gives the second's place up, so the third moves up, and the cancelled one is never paid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createTryOnHandler } from '../../src/server/handler.ts';
import { optionsFromEnv } from '../../src/server/config.ts';
import { deleteJob } from '../../src/client/delete.ts';
import { ClientError, pollJob, submitJob } from '../../src/client/index.ts';
import type { StatusResponse, SubmitResponse } from '../../src/protocol.ts';
import { startFakePixazo } from '../fakes/pixazo.ts';
import type { FakeProvider } from '../fakes/common.ts';
import { garmentPng, photoPng } from '../server/images.ts';

const KEY = 'pixazo-line-key';
let fake: FakeProvider;
const servers: ServerType[] = [];
let endpoint: string;
let garment: string;
/** The endpoint's clock, moved by the test past the status cache's poll interval. */
let clock = Date.now();

async function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<string> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  fake = await startFakePixazo({ apiKey: KEY });
  const garmentOrigin = await listen(() => new Response(new Uint8Array(garmentPng), { headers: { 'content-type': 'image/png' } }));
  garment = `${garmentOrigin}/shirt.png`;
  // The endpoint's public URL (Pixazo fetches the photo from it) is known once it listens.
  let handler: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  endpoint = `${await listen((request) => handler(request))}/api/try-on`;
  const options = optionsFromEnv({
    TRYON_PROVIDER: 'pixazo',
    TRYON_API_KEY: KEY,
    TRYON_PROVIDER_URL: fake.url,
    TRYON_SECRET: 'queue-client-secret-0123456789abcdef0123',
    TRYON_BASE_PATH: '/api/try-on',
    TRYON_PUBLIC_URL: endpoint,
    TRYON_GARMENT_HOSTS: new URL(garmentOrigin).host,
    // The fake, the garment and the endpoint all run on this machine.
    TRYON_DEV_ALLOW_LOOPBACK: '1',
    // One paid generation a minute for the account: the second try-on waits its turn.
    TRYON_PROVIDER_LIMITS: 'generate=1',
  });
  handler = createTryOnHandler({ ...options, now: () => clock, log: () => {} });
});

afterAll(async () => {
  for (const server of servers) {
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await fake?.close();
});

let keys = 0;
/** A shopper's submit, a second after the one before (the line is ordered by submit time). */
function submit(): Promise<SubmitResponse> {
  clock += 1_000;
  const photo = new Blob([new Uint8Array(photoPng)], { type: 'image/png' });
  return submitJob(
    endpoint,
    { photo, garment, category: 'top', consent: 'v1' },
    { idempotencyKey: `line-key-${++keys}`, fetch: globalThis.fetch },
  );
}

/** One poll through the widget's loop: the first answer, then the loop is stopped. */
async function pollOnce(job: SubmitResponse): Promise<StatusResponse> {
  const stop = new AbortController();
  let answer: StatusResponse | undefined;
  await pollJob(endpoint, job, {
    signal: stop.signal,
    initialDelayMs: 0,
    policy: { minDelayMs: 0, maxDelayMs: 0, backoffBaseMs: 0, backoffCapMs: 0, maxConsecutiveErrors: 0 },
    onStatus: (status) => {
      answer = status;
      stop.abort();
    },
  }).catch((error: unknown) => {
    if (!stop.signal.aborted) throw error;
  });
  return answer!;
}

describe('the client in the account line, against the real endpoint', () => {
  it(
    'a second job is queued with its place; deleteJob gives it up, the next moves up, nothing is paid for it',
    { timeout: 30_000 },
    async () => {
      const first = await submit();
      expect(first.queue).toBeUndefined();
      expect(fake.count('submit')).toBe(1);

      const second = await submit();
      expect(second).toMatchObject({ status: 'queued', queue: { position: 1 } });
      expect(second.queue!.etaSec).toBeGreaterThan(0);
      const third = await submit();
      expect(third).toMatchObject({ status: 'queued', queue: { position: 2 } });
      expect((await pollOnce(third)).queue?.position).toBe(2);
      expect(fake.count('submit'), 'jobs in line cost nothing').toBe(1);

      await deleteJob(endpoint, second.job);
      // The widget's next poll, one interval later (within it, any poll gets the cached answer).
      clock += 2_500;
      const moved = await pollOnce(third);
      expect(moved).toMatchObject({ status: 'queued', queue: { position: 1 } });
      // The cancelled job is gone for good: its polls are refused, and it was never sent.
      const gone = await pollJob(endpoint, second, { initialDelayMs: 0 }).catch((error: unknown) => error);
      expect(gone).toBeInstanceOf(ClientError);
      expect((gone as ClientError).code).toBe('job_expired');
      expect(fake.count('submit')).toBe(1);
      // Asking again is harmless (a shopper's double tap, a retried request).
      await expect(deleteJob(endpoint, second.job)).resolves.toBeUndefined();
    },
  );
});
