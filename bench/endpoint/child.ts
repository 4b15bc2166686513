/**
 * Server processes of the endpoint bench, so the load generator never shares a thread with what
 * it measures. `fakes`: the VirtuFit and Vtryon fakes, with jobs that stay in flight for the
 * whole run, reporting their status calls per job. `endpoint`: the real endpoint on Node
 * (startNodeServer) in front of one fake, its state in memory or (given a Redis URL and a key
 * prefix) in Redis as one instance of a fleet, reporting its memory after a full GC.
 */
import { startNodeServer } from '../../src/server/runtimes/node.ts';
import { startFakeVirtufit } from '../../test/fakes/virtufit.ts';
import { startFakeVtryon } from '../../test/fakes/vtryon.ts';
import type { FakeProvider } from '../../test/fakes/common.ts';

import { BENCH_API_KEY } from './key.ts';
const STATUS_ROUTES: Record<string, string> = { virtufit: 'job-status', vtryon: 'task-status' };

type Message = { type: 'counts' } | { type: 'mem' } | { type: 'close' };

const send = (value: unknown) => process.send!(value);

async function fakes(): Promise<void> {
  const all: Record<string, FakeProvider> = {
    virtufit: await startFakeVirtufit({ apiKey: BENCH_API_KEY }),
    vtryon: await startFakeVtryon({ apiKey: BENCH_API_KEY }),
  };
  // Jobs stay "processing" for the whole bench, so every poll is a poll of a live job.
  for (const fake of Object.values(all)) fake.timing = { queuedMs: 1000, processingMs: 60 * 60 * 1000 };
  process.on('message', (message: Message) => {
    if (message.type === 'counts') {
      const counts: Record<string, Record<string, number>> = {};
      for (const [name, fake] of Object.entries(all)) {
        counts[name] = {};
        for (const call of fake.calls) if (call.route === STATUS_ROUTES[name]) counts[name][call.path] = (counts[name][call.path] ?? 0) + 1;
      }
      send({ type: 'counts', counts, jobs: Object.fromEntries(Object.entries(all).map(([n, f]) => [n, [...f.jobs.keys()]])) });
    }
    if (message.type === 'close') void Promise.all(Object.values(all).map((f) => f.close())).then(() => process.exit(0));
  });
  send({ type: 'ready', urls: Object.fromEntries(Object.entries(all).map(([n, f]) => [n, f.url])) });
}

/** The endpoint in front of `provider`; with `redisUrl`, its state in that Redis under `prefix` (a fleet instance). */
async function endpoint(provider: string, providerUrl: string, redisUrl?: string, prefix?: string): Promise<void> {
  const host = new URL(providerUrl).host;
  const server = await startNodeServer({
    port: 0,
    env: {
      ...(redisUrl ? { REDIS_URL: redisUrl, TRYON_REDIS_PREFIX: prefix ?? 'bench:' } : {}),
      TRYON_PROVIDER: provider,
      TRYON_API_KEY: BENCH_API_KEY,
      TRYON_PROVIDER_URL: providerUrl,
      TRYON_SECRET: 'bench-secret-0123456789abcdef0123456789',
      TRYON_GARMENT_HOSTS: host,
      // The fakes and their garments run on this machine.
      TRYON_DEV_ALLOW_LOOPBACK: '1',
      // All bench traffic comes from 127.0.0.1; limits set out of reach keep the limiter's code
      // on the measured path without refusing the load (the endpoint's defaults would).
      TRYON_RATE_LIMITS:
        'submit-ip=999999999/1m,submit-shopper=999999999/1m,poll-ip=999999999/1m,poll-shopper=999999999/1m,shop-day=999999999',
      TRYON_DAILY_LIMIT: '999999999',
      // The relay's cost is measured, not the provider account's budget (bench/busy-minute measures that).
      TRYON_PROVIDER_LIMITS: 'read=999999,write=999999,generate=999999,concurrency=999999',
    },
    // Silent: one JSON line per request to a terminal would measure the terminal, not the endpoint.
    handlerOptions: { log: process.env.BENCH_ENDPOINT_LOG ? (entry) => console.error(JSON.stringify(entry)) : () => {} },
  });
  process.on('message', (message: Message) => {
    if (message.type === 'mem') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) throw new Error('run the endpoint child with --expose-gc');
      gc();
      gc();
      const m = process.memoryUsage();
      send({ type: 'mem', heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss });
    }
    if (message.type === 'close') void server.close().then(() => process.exit(0));
  });
  send({ type: 'ready', url: server.url });
}

// A parent that dies must not leave servers behind.
process.on('disconnect', () => process.exit(0));

const [mode, provider, providerUrl, redisUrl, prefix] = process.argv.slice(2);
if (mode === 'fakes') await fakes();
else if (mode === 'endpoint') await endpoint(provider!, providerUrl!, redisUrl, prefix);
else throw new Error(`unknown mode ${mode}`);
