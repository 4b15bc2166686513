/**
 * Photo pipeline bench (issues 7 and 14): builds bench/photo/index.html with vite (the same bundler
 * as the widget, so our worker is bundled as it ships), serves it on loopback and times, in one
 * page per engine (Chromium, Firefox ESR, WebKitGTK), ours vs browser-image-compression (worker
 * mode) vs compressorjs vs the floor (a bare decode). The inputs are drawn once, in Chromium, and
 * every engine loads the same bytes. Chromium also runs a pass at 4x CPU throttle (CDP); the
 * other engines have no throttle. Each engine also reports the time of each step (stages.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ENGINES, type Engine } from '../../test/engines.ts';
import { openEnginePage, waitForTitle, type EnginePage } from '../../test/engine-pages.ts';
import { serveStatic } from '../lib/static-server.ts';
import { median } from '../lib/stats.ts';
import type { InputInfo, Method, RunResult } from './page.ts';
import type { StageTimes } from './stages.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const METHODS: Method[] = ['ours', 'browser-image-compression', 'compressorjs', 'floor'];

export interface PhotoBenchOptions {
  /** Timed runs per method and input, unthrottled (after one warm-up run). */
  iterations: number;
  /** Timed runs at 4x throttle (Chromium only); 0 skips the throttled pass. */
  throttledIterations: number;
  /** Input size factor: 1 = the sizes; the smoke run uses a fraction. */
  scale: number;
  /** The engines to time in; all three by default. */
  engines?: Engine[];
  /** Time each step of the pipeline too (stages.ts). */
  stages?: boolean;
  log?: (line: string) => void;
}

export interface PhotoRow {
  engine: Engine;
  input: string;
  method: Method;
  cpuRate: number;
  runsMs: number[];
  medianMs: number;
  /** Most long tasks seen in any one run, and their median total duration. */
  longTasks: number;
  longTaskMs: number;
  /** 'longtask' (PerformanceObserver) or 'raf-gap' (frames 50 ms or more apart), per engine. */
  longTaskMethod: RunResult['longTaskMethod'];
  /** The longest gap between animation frames in any run. */
  worstFrameGapMs: number;
  bytes?: number;
  width?: number;
  height?: number;
  type?: string;
  exif?: boolean;
  gps?: boolean;
  psnr?: number;
  ssim?: number;
  /** Ours: the decode path and JPEG quality of the last run. */
  path?: string;
  quality?: number;
  /** Set when the output could not be compared with the reference (wrong size or orientation). */
  notComparable?: boolean;
}

export interface PhotoReport {
  inputs: { name: string; bytes: number; type: string; width: number; height: number }[];
  /** Each engine's version string. */
  engines: { engine: Engine; version: string }[];
  rows: PhotoRow[];
  /** Per engine and input, the time of each step (median of 3), when asked for. */
  stages?: { engine: Engine; input: string; times: StageTimes }[];
  /** Fixed-loop times on the main thread and in a worker, at rate 1 and 4 (Chromium): does throttling reach workers? */
  throttleReach?: { rate: number; mainMs: number; workerMs: number }[];
}

/**
 * BENCH_WORKER=<dir> times the photo worker of another checkout (its src/worker/index.ts, e.g.
 * from `git archive <commit> src | tar -x -C <dir>`) in place of this one: a before/after on the
 * same page, inputs and engines.
 */
function workerAlias() {
  const other = process.env.BENCH_WORKER;
  return other ? [{ find: /^.*\/src\/worker\/index\.ts$/, replacement: join(other, 'src/worker/index.ts') }] : [];
}

export async function buildPhotoPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: HERE,
    base: '/',
    logLevel: 'warn',
    publicDir: false,
    resolve: { alias: workerAlias() },
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: true, reportCompressedSize: false, modulePreload: { polyfill: false } },
    worker: { format: 'es' },
  });
}

const call = (method: string, ...args: unknown[]) => `window.photoBench.${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`;

/** Times every method on every input in one engine's page; adds the rows to `rows`. */
async function benchEngine(
  page: EnginePage,
  inputs: InputInfo[],
  options: PhotoBenchOptions,
  rows: PhotoRow[],
  report: PhotoReport,
): Promise<void> {
  const log = options.log ?? (() => {});
  const passes = [{ rate: 1, runs: options.iterations }];
  if (page.throttle && options.throttledIterations > 0) passes.push({ rate: 4, runs: options.throttledIterations });
  for (const pass of passes) {
    if (page.throttle) {
      await page.throttle(pass.rate);
      (report.throttleReach ??= []).push({
        rate: pass.rate,
        ...(await page.evaluate<{ mainMs: number; workerMs: number }>(call('spinTimes', 20_000_000))),
      });
    }
    for (const input of inputs) {
      const results = new Map<Method, RunResult[]>(METHODS.map((m) => [m, []]));
      // Round-robin, so drift on a noisy machine hits every method alike; round 0 warms up.
      for (let round = 0; round <= pass.runs; round++) {
        for (const method of METHODS) {
          const result = await page.evaluate<RunResult>(call('run', method, input.name));
          if (round > 0) results.get(method)!.push(result);
        }
      }
      for (const method of METHODS) {
        const runs = results.get(method)!;
        const last = runs.at(-1)!;
        const row: PhotoRow = {
          engine: page.engine,
          input: input.name,
          method,
          cpuRate: pass.rate,
          runsMs: runs.map((r) => r.ms),
          medianMs: median(runs.map((r) => r.ms)),
          longTasks: Math.max(...runs.map((r) => r.longTasks)),
          longTaskMs: median(runs.map((r) => r.longTaskMs)),
          longTaskMethod: last.longTaskMethod,
          worstFrameGapMs: Math.max(...runs.map((r) => r.worstFrameGapMs)),
        };
        for (const key of ['bytes', 'width', 'height', 'type', 'exif', 'gps', 'path', 'quality'] as const) {
          if (last[key] !== undefined) Object.assign(row, { [key]: last[key] });
        }
        if (pass.rate === 1 && method !== 'floor') {
          // Scored at full speed: quality does not depend on the CPU, and the maths is slow.
          await page.throttle?.(1);
          const score = await page.evaluate<{ psnr: number; ssim: number } | null>(call('quality', method, input.name));
          if (score) Object.assign(row, { psnr: score.psnr, ssim: score.ssim });
          else row.notComparable = true;
          await page.throttle?.(pass.rate);
        }
        rows.push(row);
      }
      const line = rows
        .filter((r) => r.engine === page.engine && r.input === input.name && r.cpuRate === pass.rate)
        .map((r) => `${r.method} ${r.medianMs.toFixed(0)} ms`)
        .join(', ');
      log(`photo ${page.engine}: ${input.name} @${pass.rate}x: ${line}`);
    }
  }
  await page.throttle?.(1);
  if (options.stages) {
    for (const input of inputs) {
      const times = await page.evaluate<StageTimes>(call('stages', input.name));
      (report.stages ??= []).push({ engine: page.engine, input: input.name, times });
      log(`photo ${page.engine}: ${input.name} stages ${JSON.stringify(times)}`);
    }
  }
}

export async function runPhotoBench(options: PhotoBenchOptions): Promise<PhotoReport> {
  const log = options.log ?? (() => {});
  const engines = options.engines ?? [...ENGINES];
  const outDir = await mkdtemp(join(tmpdir(), 'tryon-bench-photo-'));
  const require = createRequire(import.meta.url);
  const bicScript = join(require.resolve('browser-image-compression'), '..', 'browser-image-compression.js');
  log('photo: building the bench page');
  await buildPhotoPage(outDir);
  const server = await serveStatic(outDir, { '/bic.js': bicScript });
  const report: PhotoReport = { inputs: [], engines: [], rows: [] };
  try {
    // The inputs are drawn in Chromium (the only engine here that encodes WebP) and saved under
    // /inputs/, so every engine times the very same bytes.
    log('photo: drawing the inputs (Chromium)');
    const maker = await openEnginePage('chromium');
    let inputs: InputInfo[];
    try {
      await maker.goto(server.url);
      await waitForTitle(maker, 'photo bench ready');
      inputs = await maker.evaluate<InputInfo[]>(call('makeInputs', options.scale, true));
    } finally {
      await maker.close();
    }
    await mkdir(join(outDir, 'inputs'));
    for (const input of inputs) await writeFile(join(outDir, 'inputs', input.fileName), Buffer.from(input.base64!, 'base64'));
    inputs = inputs.map(({ base64: _, ...rest }) => rest);
    report.inputs = inputs.map(({ name, bytes, type, width, height }) => ({ name, bytes, type, width, height }));
    for (const engine of engines) {
      log(`photo: ${engine}`);
      const page = await openEnginePage(engine);
      try {
        report.engines.push({ engine, version: page.version });
        await page.goto(server.url);
        await waitForTitle(page, 'photo bench ready');
        await page.evaluate(call('loadInputs', inputs, '/inputs/'));
        await benchEngine(page, inputs, options, report.rows, report);
      } finally {
        await page.close();
      }
    }
    return report;
  } finally {
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  }
}
