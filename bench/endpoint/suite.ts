/**
 * Endpoint bench (issue 7), on loopback against the local provider fakes:
 * - relay cost: the same status-poll load (autocannon) through the endpoint and straight to the
 *   fake, plus a sequential probe with microsecond timing (autocannon's histogram is whole ms);
 * - polling discipline: many widgets polling every 500 ms, provider status calls per job per
 *   minute against each provider's documented rate;
 * - memory per in-flight job: heap + buffers of the endpoint process after 1,000 submits (the
 *   photo is kept as bytes for photoRef reuse; the figure beyond it is what a job costs).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { makePng } from '../../test/fakes/common.ts';
import { percentile, median } from '../lib/stats.ts';
import { BENCH_API_KEY } from './key.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/** Documented minimum poll intervals (shared/providers/virtufit.txt: "no faster than every 2 seconds"; vtryon.txt: "every 3-5 seconds"). */
export const DOCUMENTED_POLL_MS: Record<string, number> = { virtufit: 2000, vtryon: 3000 };

export interface EndpointBenchOptions {
  /** Seconds of each autocannon run. */
  loadSeconds: number;
  connections: number;
  /** Sequential requests of the precise latency probe. */
  probeRequests: number;
  /** Polling discipline: jobs, widgets per job, seconds. */
  pollJobs: number;
  widgetsPerJob: number;
  pollSeconds: number;
  /** Concurrent in-flight jobs for the memory figure. */
  memoryJobs: number;
  log?: (line: string) => void;
}

export interface LoadFigures {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** The sequential probe (one connection, one request at a time). */
  probeP50Ms: number;
  probeP99Ms: number;
}

export interface EndpointReport {
  viaEndpoint: LoadFigures;
  direct: LoadFigures;
  /** Provider status calls made while the endpoint served the load. */
  providerCallsDuringLoad: number;
  polling: (PollingFigures | { provider: string; error: string })[];
  memory: MemoryFigures;
}

export interface PollingFigures {
  provider: string;
  jobs: number;
  widgets: number;
  seconds: number;
  widgetPolls: number;
  callsPerJobPerMinute: number;
  maxCallsPerJobPerMinute: number;
  documentedPerMinute: number;
}

export interface Child {
  process: ChildProcess;
  ask<T>(message: object, type: string): Promise<T>;
  close(): Promise<void>;
}

export async function startChild(args: string[]): Promise<{ child: Child; ready: Record<string, unknown> }> {
  const proc = fork(CHILD, args, { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waitFor = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null) => reject(new Error(`bench child ${args.join(' ')} exited (${code})`));
      proc.on('message', onMessage);
      proc.once('exit', onExit);
    });
  const ready = await waitFor<Record<string, unknown>>('ready');
  const child: Child = {
    process: proc,
    ask: (message, type) => {
      const answer = waitFor<never>(type);
      proc.send(message);
      return answer;
    },
    close: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.send({ type: 'close' });
        setTimeout(() => proc.kill(), 3000).unref();
      }),
  };
  return { child, ready };
}

// Realistic for an upload: about the size of a 1536 px JPEG from the photo bench (noise does not compress).
export function benchPhoto(): Uint8Array {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
  return new Uint8Array(makePng(320, 280, () => [rnd(), rnd(), rnd()]));
}

export async function submit(endpoint: string, fakeUrl: string, photo: Uint8Array): Promise<string> {
  const form = new FormData();
  form.set('photo', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'photo.png');
  form.set('garment', `${fakeUrl}/__fake/results/garment.png`);
  form.set('category', 'top');
  form.set('consent', '2026-11');
  const response = await fetch(`${endpoint}/jobs`, { method: 'POST', body: form });
  const body = (await response.json()) as { job?: string; error?: { code: string; message: string } };
  if (response.status !== 202 || !body.job) throw new Error(`submit failed: ${response.status} ${JSON.stringify(body.error)}`);
  return body.job;
}

export async function load(
  url: string,
  headers: Record<string, string>,
  options: Pick<EndpointBenchOptions, 'connections' | 'loadSeconds'>,
): Promise<Omit<LoadFigures, 'probeP50Ms' | 'probeP99Ms'>> {
  const result = await autocannon({ url, headers, connections: options.connections, duration: options.loadSeconds });
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function probe(
  url: string,
  headers: Record<string, string>,
  count: number,
): Promise<{ probeP50Ms: number; probeP99Ms: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`probe got ${response.status} from ${url}`);
    times.push(performance.now() - t0);
  }
  return { probeP50Ms: percentile(times, 50), probeP99Ms: percentile(times, 99) };
}

type Counts = { counts: Record<string, Record<string, number>>; jobs: Record<string, string[]> };

async function relay(fakes: Child, fakeUrls: Record<string, string>, options: EndpointBenchOptions, log: (s: string) => void) {
  const { child: ep, ready } = await startChild(['endpoint', 'virtufit', fakeUrls.virtufit!]);
  try {
    const endpoint = ready.url as string;
    const job = await submit(endpoint, fakeUrls.virtufit!, benchPhoto());
    const { jobs } = await fakes.ask<Counts>({ type: 'counts' }, 'counts');
    const jobId = jobs.virtufit!.at(-1)!;
    const viaUrl = `${endpoint}/jobs/${job}`;
    const directUrl = `${fakeUrls.virtufit}/api/v1/jobs/${jobId}`;
    const directHeaders = { 'x-api-key': BENCH_API_KEY };
    // Warm both paths (JIT, sockets) before measuring.
    await probe(viaUrl, {}, 200);
    await probe(directUrl, directHeaders, 200);
    const before = (await fakes.ask<Counts>({ type: 'counts' }, 'counts')).counts.virtufit![`/api/v1/jobs/${jobId}`] ?? 0;
    log(`endpoint: autocannon ${options.connections} connections x ${options.loadSeconds} s through the endpoint`);
    const via = await load(viaUrl, {}, options);
    const after = (await fakes.ask<Counts>({ type: 'counts' }, 'counts')).counts.virtufit![`/api/v1/jobs/${jobId}`] ?? 0;
    log(`endpoint: the same load straight to the fake`);
    const direct = await load(directUrl, directHeaders, options);
    const viaProbe = await probe(viaUrl, {}, options.probeRequests);
    const directProbe = await probe(directUrl, directHeaders, options.probeRequests);
    return {
      viaEndpoint: { ...via, ...viaProbe },
      direct: { ...direct, ...directProbe },
      providerCallsDuringLoad: after - before,
    };
  } finally {
    await ep.close();
  }
}

async function polling(fakes: Child, fakeUrls: Record<string, string>, options: EndpointBenchOptions, provider: string) {
  const { child: ep, ready } = await startChild(['endpoint', provider, fakeUrls[provider]!]);
  try {
    const endpoint = ready.url as string;
    const photo = benchPhoto();
    const before = new Set((await fakes.ask<Counts>({ type: 'counts' }, 'counts')).jobs[provider]);
    const tokens: string[] = [];
    for (let i = 0; i < options.pollJobs; i++) tokens.push(await submit(endpoint, fakeUrls[provider]!, photo));
    const startCounts = (await fakes.ask<Counts>({ type: 'counts' }, 'counts')).counts[provider]!;
    let widgetPolls = 0;
    const stopAt = Date.now() + options.pollSeconds * 1000;
    // Every widget ignores pollAfterMs and polls every 500 ms: the worst the endpoint must absorb.
    const widget = async (token: string, offset: number) => {
      await new Promise((r) => setTimeout(r, offset));
      while (Date.now() < stopAt) {
        const response = await fetch(`${endpoint}/jobs/${token}`);
        await response.arrayBuffer();
        widgetPolls++;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await Promise.all(
      tokens.flatMap((t) => Array.from({ length: options.widgetsPerJob }, (_, i) => widget(t, (i * 500) / options.widgetsPerJob))),
    );
    const { counts, jobs } = await fakes.ask<Counts>({ type: 'counts' }, 'counts');
    const mine = jobs[provider]!.filter((id) => !before.has(id));
    const perJob = Object.entries(counts[provider]!)
      .filter(([path]) => mine.some((id) => path.includes(id)))
      .map(([path, n]) => (n - (startCounts[path] ?? 0)) / (options.pollSeconds / 60));
    while (perJob.length < mine.length) perJob.push(0);
    return {
      provider,
      jobs: mine.length,
      widgets: tokens.length * options.widgetsPerJob,
      seconds: options.pollSeconds,
      widgetPolls,
      callsPerJobPerMinute: median(perJob),
      maxCallsPerJobPerMinute: Math.max(...perJob),
      documentedPerMinute: 60_000 / DOCUMENTED_POLL_MS[provider]!,
    };
  } finally {
    await ep.close();
  }
}

export interface MemoryFigures {
  jobs: number;
  photoBytes: number;
  /** Heap + buffers of the endpoint process per in-flight job, and that beyond the photo's own bytes. */
  bytesPerJob: number;
  beyondPhotoPerJob: number;
  heapPerJob: number;
  buffersPerJob: number;
  rssPerJob: number;
}

/**
 * Memory per in-flight job: `jobs` submits (32 at a time) of one bench photo to an endpoint child
 * started with `childArgs` after `endpoint` (provider, fake URL, optionally a Redis URL and
 * prefix), each polled once so its status is cached; heap and buffers after a full GC, against a
 * baseline taken after one warm-up job. `between` runs at the baseline and at the end (a Redis
 * memory reading).
 */
export async function memoryPerJob(
  childArgs: string[],
  fakeUrl: string,
  jobs: number,
  between?: () => Promise<void>,
): Promise<MemoryFigures> {
  const { child: ep, ready } = await startChild(['endpoint', ...childArgs]);
  try {
    const endpoint = ready.url as string;
    const photo = benchPhoto();
    type Mem = { heapUsed: number; external: number; arrayBuffers: number; rss: number };
    // One job first, so code paths, caches and sockets exist before the baseline.
    await fetch(`${endpoint}/jobs/${await submit(endpoint, fakeUrl, photo)}`).then((r) => r.arrayBuffer());
    const base = await ep.ask<Mem>({ type: 'mem' }, 'mem');
    await between?.();
    const tokens: string[] = [];
    const queue = Array.from({ length: jobs }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (queue.shift() !== undefined) tokens.push(await submit(endpoint, fakeUrl, photo));
      }),
    );
    // Each job polled once, so its status is cached as it would be mid-flight.
    for (const token of tokens) await fetch(`${endpoint}/jobs/${token}`).then((r) => r.arrayBuffer());
    const after = await ep.ask<Mem>({ type: 'mem' }, 'mem');
    await between?.();
    const n = tokens.length;
    const heap = (after.heapUsed - base.heapUsed) / n;
    const buffers = (after.external - base.external) / n;
    return {
      jobs: n,
      photoBytes: photo.byteLength,
      bytesPerJob: heap + buffers,
      beyondPhotoPerJob: heap + buffers - photo.byteLength,
      heapPerJob: heap,
      buffersPerJob: buffers,
      rssPerJob: (after.rss - base.rss) / n,
    };
  } finally {
    await ep.close();
  }
}

export async function runEndpointBench(options: EndpointBenchOptions): Promise<EndpointReport> {
  const log = options.log ?? (() => {});
  const { child: fakes, ready } = await startChild(['fakes']);
  const fakeUrls = ready.urls as Record<string, string>;
  try {
    const relayFigures = await relay(fakes, fakeUrls, options, log);
    log(
      `endpoint: polling discipline, ${options.pollJobs} jobs x ${options.widgetsPerJob} widgets x ${options.pollSeconds} s per provider`,
    );
    // One provider after the other: the fakes child answers every 'counts' question with the same
    // message type, so two pollers asking at once could each take the other's (stale) answer.
    const settled: PromiseSettledResult<Awaited<ReturnType<typeof polling>>>[] = [];
    for (const p of ['virtufit', 'vtryon']) {
      settled.push(
        await polling(fakes, fakeUrls, options, p).then(
          (value) => ({ status: 'fulfilled' as const, value }),
          (reason: unknown) => ({ status: 'rejected' as const, reason }),
        ),
      );
    }
    // A provider whose submit fails is reported, not allowed to sink the other figures.
    const polled = settled.map((s, i) =>
      s.status === 'fulfilled'
        ? s.value
        : { provider: ['virtufit', 'vtryon'][i]!, error: s.reason instanceof Error ? s.reason.message : String(s.reason) },
    );
    log(`endpoint: memory with ${options.memoryJobs} in-flight jobs`);
    return {
      ...relayFigures,
      polling: polled,
      memory: await memoryPerJob(['virtufit', fakeUrls.virtufit!], fakeUrls.virtufit!, options.memoryJobs),
    };
  } finally {
    await fakes.close();
  }
}
