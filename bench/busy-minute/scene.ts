/**
 * The busy-minute scene of issue 13: N shoppers (default 12) start a try-on within a few
 * seconds on the Vtry adapter, against the faithful Vtry fake with its documented limits on
 * (read 60/min, write 30/min, generate 10/min, 3 generations at once). Each shopper behaves as
 * the widget does: submit, poll at the `pollAfterMs` the endpoint asks, wait out a 503/429's
 * Retry-After and submit again.
 *
 * Prints completions, the provider's 429s, calls per job by route, persons created, p50/p95 time
 * to result, and the theoretical bound (bound.ts) beside the measurement.
 *
 *   npm run bench:busy-minute -- [--shoppers 12] [--json out.json]   (BENCH_VERBOSE=1 prints every status answer)
 *
 * Real time, on loopback: a run takes about as long as its slowest shopper (2-3 minutes).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { createTryOnHandler } from '../../src/server/handler.ts';
import { makePng } from '../../test/fakes/common.ts';
import { startFakeVtry } from '../../test/fakes/vtry.ts';
import { percentile, round } from '../lib/stats.ts';
import { idealSchedule, type SceneTiming } from './bound.ts';

const KEY = 'bench-vtry-key';
const SECRET = 'bench-secret-0123456789abcdef';
const BASE = 'http://bench.local/api/try-on';
/** How long each Vtry job (compose, clothes, generation) stays queued, then processing. */
export const TIMING: SceneTiming = { queuedMs: 1000, processingMs: 9000 };
const SHOPPER_DEADLINE_MS = 6 * 60 * 1000;

export interface SceneReport {
  shoppers: number;
  completed: number;
  failed: string[];
  provider429: number;
  providerBusyAnswers: number;
  personsCreated: number;
  callsPerJob: Record<string, number>;
  p50Sec: number;
  p95Sec: number;
  maxSec: number;
  bound: { p50Sec: number; p95Sec: number; maxSec: number };
  queueSeen: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runScene(shoppers = 12, log: (line: string) => void = () => {}): Promise<SceneReport> {
  const fake = await startFakeVtry({ apiKey: KEY });
  fake.timing = { ...TIMING };
  // The garment image, on this machine (the development loopback setting).
  const garments = new Hono().get('/g.png', (c) =>
    c.body(new Uint8Array(makePng(60, 80, () => [180, 40, 40])), 200, { 'content-type': 'image/png' }),
  );
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: garments.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const garmentUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/g.png`;
  const handler = createTryOnHandler({
    provider: 'vtry',
    apiKey: KEY,
    providerUrl: fake.url,
    secret: SECRET,
    basePath: '/api/try-on',
    garmentHosts: [new URL(garmentUrl).host],
    devAllowLoopback: true,
    // The endpoint's own per-client limits are not what this scene measures.
    rateLimits: { 'submit-ip': false, 'submit-shopper': false, 'poll-ip': false, 'poll-shopper': false },
    dailyLimit: false,
    log: () => {},
  });

  let busyAnswers = 0;
  let queueSeen = 0;
  const durations: number[] = [];
  const failed: string[] = [];

  const shopper = async (i: number) => {
    await sleep(i * 300);
    const started = Date.now();
    // Each shopper's own photo: different bytes, so a different person at Vtry.
    const photo = makePng(300, 400, (x, y) => [(i * 37 + x) % 256, (i * 91 + y) % 256, 120]);
    let job: string | undefined;
    let pollAfter = 2000;
    while (!job) {
      if (Date.now() - started > SHOPPER_DEADLINE_MS) return void failed.push(`shopper ${i}: no job before the deadline`);
      const form = new FormData();
      form.set('photo', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'photo.png');
      form.set('garment', garmentUrl);
      form.set('category', 'top');
      form.set('consent', 'v1');
      const response = await handler(
        new Request(`${BASE}/jobs`, { method: 'POST', body: form, headers: { 'idempotency-key': crypto.randomUUID() } }),
      );
      const body = (await response.json()) as { job?: string; pollAfterMs?: number; error?: { code: string } };
      if (response.status === 202 && body.job) {
        job = body.job;
        pollAfter = body.pollAfterMs ?? 2000;
      } else if (response.status === 503 || response.status === 429) {
        busyAnswers++;
        await sleep(Number(response.headers.get('retry-after') ?? '5') * 1000);
      } else return void failed.push(`shopper ${i}: submit ${response.status} ${body.error?.code}`);
    }
    for (;;) {
      if (Date.now() - started > SHOPPER_DEADLINE_MS) return void failed.push(`shopper ${i}: still waiting at the deadline`);
      await sleep(pollAfter);
      const response = await handler(new Request(`${BASE}/jobs/${job}`));
      const body = (await response.json()) as { status?: string; pollAfterMs?: number; queue?: unknown; error?: { code: string } };
      if (body.queue) queueSeen++;
      if (process.env.BENCH_VERBOSE)
        log(`shopper ${i} @${round((Date.now() - started) / 1000)} s: ${response.status} ${JSON.stringify(body)}`);
      if (response.status !== 200) {
        if (response.status === 503 || response.status === 429) busyAnswers++;
        pollAfter = Number(response.headers.get('retry-after') ?? '3') * 1000;
        continue;
      }
      if (body.status === 'completed') {
        durations.push((Date.now() - started) / 1000);
        log(`shopper ${i}: result after ${round((Date.now() - started) / 1000)} s`);
        return;
      }
      if (body.status === 'failed') return void failed.push(`shopper ${i}: failed ${body.error?.code}`);
      pollAfter = body.pollAfterMs ?? pollAfter;
    }
  };

  await Promise.all(Array.from({ length: shoppers }, (_, i) => shopper(i)));

  const routes = new Map<string, number>();
  for (const call of fake.calls) if (call.route !== 'result') routes.set(call.route, (routes.get(call.route) ?? 0) + 1);
  const callsPerJob = Object.fromEntries([...routes].sort().map(([route, n]) => [route, round(n / shoppers, 2)]));
  const provider429 = [...fake.limited.values()].reduce((a, b) => a + b, 0);
  const personsCreated = (routes.get('person-create') ?? 0) - (fake.limited.get('person-create') ?? 0);
  const ideal = idealSchedule(
    shoppers,
    TIMING,
    { write: fake.limits.write, generate: fake.limits.generate, concurrency: fake.limits.concurrency },
    300,
  );

  await fake.close();
  (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  await new Promise<void>((r) => server.close(() => r()));

  return {
    shoppers,
    completed: durations.length,
    failed,
    provider429,
    providerBusyAnswers: busyAnswers,
    personsCreated,
    callsPerJob,
    p50Sec: round(percentile(durations, 50)),
    p95Sec: round(percentile(durations, 95)),
    maxSec: round(Math.max(...durations)),
    bound: { p50Sec: round(percentile(ideal, 50)), p95Sec: round(percentile(ideal, 95)), maxSec: round(Math.max(...ideal)) },
    queueSeen,
  };
}

export function formatScene(r: SceneReport): string {
  const lines = [
    `Busy minute on Vtry (documented limits on): ${r.shoppers} shoppers, ${r.completed} completed${r.failed.length ? `, failed: ${r.failed.join('; ')}` : ''}`,
    `provider 429s: ${r.provider429}   503/429 answers to shoppers: ${r.providerBusyAnswers}   persons created: ${r.personsCreated}   status answers carrying a queue place: ${r.queueSeen}`,
    `time to result: p50 ${r.p50Sec} s, p95 ${r.p95Sec} s, max ${r.maxSec} s`,
    `theoretical bound (the limits alone): p50 ${r.bound.p50Sec} s, p95 ${r.bound.p95Sec} s, max ${r.bound.maxSec} s   → measured/bound p50 ${round(r.p50Sec / r.bound.p50Sec, 2)}, p95 ${round(r.p95Sec / r.bound.p95Sec, 2)}`,
    `calls per job by route: ${Object.entries(r.callsPerJob)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ];
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('scene.ts')) {
  const at = process.argv.indexOf('--shoppers');
  const shoppers = at > 0 ? Number(process.argv[at + 1]) : 12;
  const report = await runScene(shoppers, (line) => console.error(line));
  console.log(formatScene(report));
  const out = process.argv.indexOf('--json');
  if (out > 0) await writeFile(process.argv[out + 1]!, JSON.stringify(report, null, 2));
}
