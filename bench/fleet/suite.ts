/**
 * Fleet bench (issue 16), on loopback: the endpoint with its state in Redis (a real redis-server)
 * against the same endpoint with its state in memory, the VirtuFit fake behind both, every
 * process its own (endpoint children, fakes child, redis-server), the load generator here.
 * - memory per in-flight job, in the endpoint process, with each store, and in Redis (used_memory
 *   per job, and the size of one stored photo against its bytes);
 * - poll throughput (autocannon) with one endpoint instance on Redis, and with two instances on the
 *   one Redis sharing the same total connections (the job token is polled at both);
 * - the p50 a Redis store adds to a poll, against the memory store (sequential probes).
 */
import { Redis } from 'ioredis';
import {
  benchPhoto,
  load,
  memoryPerJob,
  probe,
  startChild,
  submit,
  type Child,
  type LoadFigures,
  type MemoryFigures,
} from '../endpoint/suite.ts';
import { startRedis } from '../../test/server/redis-server.ts';
import { percentile } from '../lib/stats.ts';

export interface FleetBenchOptions {
  /** In-flight jobs for the memory figures. */
  memoryJobs: number;
  /** Seconds and connections of each autocannon run. */
  loadSeconds: number;
  connections: number;
  /** Sequential requests of each latency probe. */
  probeRequests: number;
  log?: (line: string) => void;
}

type Throughput = Omit<LoadFigures, 'probeP50Ms' | 'probeP99Ms'>;

export interface FleetReport {
  memory: {
    memoryStore: MemoryFigures;
    redisStore: MemoryFigures & {
      /** Redis used_memory per in-flight job. */
      redisBytesPerJob: number;
      /** MEMORY USAGE of one stored photo key. */
      photoKeyBytes: number;
    };
  };
  polls: { oneInstance: Throughput; twoInstances: Throughput & { perInstance: Throughput[] } };
  probe: { memoryP50Ms: number; memoryP99Ms: number; redisP50Ms: number; redisP99Ms: number };
}

/** One poll's time, ms. */
async function timed(url: string): Promise<number> {
  const t0 = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`probe got ${response.status} from ${url}`);
  return performance.now() - t0;
}

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

/** An endpoint child on Redis (`prefix`), or in memory without one. */
async function endpointChild(fakeUrl: string, redisUrl?: string, prefix?: string): Promise<{ child: Child; url: string }> {
  const { child, ready } = await startChild(['endpoint', 'virtufit', fakeUrl, ...(redisUrl ? [redisUrl, prefix!] : [])]);
  return { child, url: ready.url as string };
}

export async function runFleetBench(options: FleetBenchOptions): Promise<FleetReport> {
  const log = options.log ?? (() => {});
  const redis = await startRedis();
  const client = new Redis(redis.url, { lazyConnect: true });
  await client.connect();
  const { child: fakes, ready } = await startChild(['fakes']);
  const fakeUrl = (ready.urls as Record<string, string>).virtufit!;
  const children: Child[] = [];
  try {
    log(`fleet: memory with ${options.memoryJobs} in-flight jobs, memory store then Redis store`);
    const memoryStore = await memoryPerJob(['virtufit', fakeUrl], fakeUrl, options.memoryJobs);
    const readings: number[] = [];
    const redisStore = await memoryPerJob(['virtufit', fakeUrl, redis.url, 'bench-mem:'], fakeUrl, options.memoryJobs, async () => {
      readings.push(await usedMemory(client));
    });
    // Any stored photo: they are all the one bench photo.
    const [photoKey] = await client.keys('*photo:*');
    const photoKeyBytes = photoKey ? Number(await client.memory('USAGE', photoKey)) : NaN;

    log(`fleet: poll throughput, ${options.connections} connections x ${options.loadSeconds} s, one then two instances on one Redis`);
    const a = await endpointChild(fakeUrl, redis.url, 'bench-polls:');
    children.push(a.child);
    const job = await submit(a.url, fakeUrl, benchPhoto());
    await probe(`${a.url}/jobs/${job}`, {}, 200);
    const oneInstance = await load(`${a.url}/jobs/${job}`, {}, options);
    const b = await endpointChild(fakeUrl, redis.url, 'bench-polls:');
    children.push(b.child);
    await probe(`${b.url}/jobs/${job}`, {}, 200);
    const half = { ...options, connections: Math.max(1, Math.floor(options.connections / 2)) };
    const perInstance = await Promise.all([load(`${a.url}/jobs/${job}`, {}, half), load(`${b.url}/jobs/${job}`, {}, half)]);
    const twoInstances = {
      requestsPerSec: perInstance.reduce((n, p) => n + p.requestsPerSec, 0),
      p50Ms: Math.max(...perInstance.map((p) => p.p50Ms)),
      p99Ms: Math.max(...perInstance.map((p) => p.p99Ms)),
      errors: perInstance.reduce((n, p) => n + p.errors, 0),
      non2xx: perInstance.reduce((n, p) => n + p.non2xx, 0),
      perInstance,
    };

    log(`fleet: sequential probes, ${options.probeRequests} polls each, memory store then Redis store`);
    const m = await endpointChild(fakeUrl);
    children.push(m.child);
    const memoryJob = await submit(m.url, fakeUrl, benchPhoto());
    await probe(`${m.url}/jobs/${memoryJob}`, {}, 500);
    await probe(`${a.url}/jobs/${job}`, {}, 500);
    // Interleaved, one request each in turn: the machine's load drifts, and drifts alike for both.
    const memoryTimes: number[] = [];
    const redisTimes: number[] = [];
    for (let i = 0; i < options.probeRequests; i++) {
      memoryTimes.push(await timed(`${m.url}/jobs/${memoryJob}`));
      redisTimes.push(await timed(`${a.url}/jobs/${job}`));
    }

    return {
      memory: {
        memoryStore,
        redisStore: { ...redisStore, redisBytesPerJob: (readings[1]! - readings[0]!) / redisStore.jobs, photoKeyBytes },
      },
      polls: { oneInstance, twoInstances },
      probe: {
        memoryP50Ms: percentile(memoryTimes, 50),
        memoryP99Ms: percentile(memoryTimes, 99),
        redisP50Ms: percentile(redisTimes, 50),
        redisP99Ms: percentile(redisTimes, 99),
      },
    };
  } finally {
    for (const child of children) await child.close();
    await fakes.close();
    client.disconnect();
    await redis.destroy();
  }
}
