/**
 * A bounded loopback load test: 200 try-ons from 50 concurrent shoppers against two real Node
 * endpoint servers sharing one real Redis, in front of the VirtuFit fake. Every job must complete,
 * the provider must see exactly one generate call per job (retried submits included), and the
 * figures are printed. It stops by itself well inside a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { startNodeServer } from '../../src/server/runtimes/node.ts';
import { RedisStore } from '../../src/server/store/redis-store.ts';
import { startFakeVirtufit, type VirtuFitFake } from '../fakes/virtufit.ts';
import { resultPng } from '../fakes/common.ts';
import { photoPng } from './images.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

const JOBS = 200;
const CLIENTS = 50;
const KEY = 'vf_load_test_key_0123456789';
const SECRET = 'load-test-secret-0123456789abcdef';
const POLL_EVERY_MS = 500; // faster than the endpoint asks (2 s): the status cache has to absorb it

let redis: TestRedis;
let fake: VirtuFitFake;
let garmentServer: ReturnType<typeof serve>;
let garmentUrl: string;
const endpoints: Array<{ url: string; close(): Promise<void> }> = [];
const stores: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
  fake = await startFakeVirtufit({ apiKey: KEY });
  const garments = new Hono().get('/shirt.png', (c) => c.body(new Uint8Array(resultPng), 200, { 'content-type': 'image/png' }));
  garmentServer = await new Promise((resolve) => {
    const s = serve({ fetch: garments.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  garmentUrl = `http://127.0.0.1:${(garmentServer.address() as AddressInfo).port}/shirt.png`;
  for (let i = 0; i < 2; i++) {
    const store = new RedisStore(redis.url);
    stores.push(store);
    endpoints.push(
      await startNodeServer({
        port: 0,
        env: {},
        handlerOptions: {
          provider: 'virtufit',
          apiKey: KEY,
          providerUrl: fake.url,
          secret: SECRET,
          garmentHosts: [new URL(garmentUrl).host],
          devAllowLoopback: true,
          store,
          // Every shopper arrives through "the load balancer" with their own address.
          trustProxy: 'x-forwarded-for',
          // A high-volume plan: this test is about two instances sharing one Redis, not the line.
          providerLimits: { generate: 100_000 },
          log: () => undefined,
        },
      }),
    );
  }
});

afterAll(async () => {
  for (const endpoint of endpoints) await endpoint.close();
  for (const store of stores) await store.close();
  await new Promise((resolve) => garmentServer?.close(resolve));
  await fake?.close();
  await redis?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** Each shopper has an own photo (other bytes after IEND), so each is its own per-shopper budget. */
function photoOf(client: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(photoPng.length + 2);
  bytes.set(photoPng);
  bytes[photoPng.length] = client & 0xff;
  bytes[photoPng.length + 1] = client >> 8;
  return bytes;
}

async function submit(base: string, client: number, key: string): Promise<{ status: number; job?: string }> {
  const form = new FormData();
  form.set('photo', new Blob([photoOf(client)]), 'photo.png');
  form.set('garment', garmentUrl);
  form.set('category', 'top');
  form.set('consent', 'v1');
  const response = await fetch(`${base}/jobs`, {
    method: 'POST',
    body: form,
    headers: { 'idempotency-key': key, 'x-forwarded-for': `198.18.${client >> 8}.${client & 0xff}` },
  });
  const body = (await response.json()) as { job?: string };
  return { status: response.status, ...(body.job ? { job: body.job } : {}) };
}

describe('load: many concurrent shoppers on two instances and one Redis', () => {
  it(`${JOBS} jobs from ${CLIENTS} concurrent clients all complete, none charged twice`, { timeout: 60_000 }, async () => {
    const submitMs: number[] = [];
    const jobMs: number[] = [];
    const failures: string[] = [];
    let polls = 0;
    let retriedSubmits = 0;
    let next = 0;
    const started = performance.now();

    const client = async (id: number) => {
      for (let n = next++; n < JOBS; n = next++) {
        const base = endpoints[n % 2]!.url;
        const key = `load-${n}-${id}`;
        const t0 = performance.now();
        const first = await submit(base, id, key);
        submitMs.push(performance.now() - t0);
        if (first.status !== 202 || !first.job) {
          failures.push(`job ${n}: submit ${first.status}`);
          continue;
        }
        if (n % 5 === 0) {
          // A retry on the other instance (a lost answer, a reload): the same job, not a second one.
          retriedSubmits++;
          const again = await submit(endpoints[(n + 1) % 2]!.url, id, key);
          if (again.job !== first.job) failures.push(`job ${n}: retry got another job (${again.status})`);
        }
        for (let tries = 0; ; tries++) {
          await sleep(POLL_EVERY_MS);
          polls++;
          const response = await fetch(`${endpoints[(n + tries) % 2]!.url}/jobs/${first.job}`, {
            headers: { 'x-forwarded-for': `198.18.${id >> 8}.${id & 0xff}` },
          });
          const body = (await response.json()) as { status?: string; images?: string[] };
          if (body.status === 'completed' && body.images?.length) break;
          if (response.status !== 200 || body.status === 'failed' || tries > 40) {
            failures.push(`job ${n}: poll ${response.status} ${body.status}`);
            break;
          }
        }
        jobMs.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i + 1)));
    const seconds = (performance.now() - started) / 1000;

    const figures = {
      jobs: JOBS,
      clients: CLIENTS,
      instances: 2,
      seconds: Number(seconds.toFixed(2)),
      jobsPerSecond: Number((JOBS / seconds).toFixed(1)),
      submitP50Ms: Math.round(percentile(submitMs, 50)),
      submitP99Ms: Math.round(percentile(submitMs, 99)),
      jobP50Ms: Math.round(percentile(jobMs, 50)),
      jobP99Ms: Math.round(percentile(jobMs, 99)),
      polls,
      retriedSubmits,
      providerGenerateCalls: fake.count('generate'),
      providerStatusCalls: fake.count('job-status'),
    };
    console.log(`[load] ${JSON.stringify(figures)}`);

    expect(failures).toEqual([]);
    expect(jobMs).toHaveLength(JOBS);
    // Charged once per job: retried submits reached the provider zero times.
    expect(fake.count('generate')).toBe(JOBS);
    // Polls came every 0.5 s; the provider was asked at most about once per 2 s per job.
    expect(fake.count('job-status')).toBeLessThan(polls / 2);
    expect(seconds).toBeLessThan(60);
  });
});
