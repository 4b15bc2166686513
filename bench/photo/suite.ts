/**
 * Photo pipeline bench (issue 7): builds bench/photo/index.html with vite (the same bundler as the
 * widget, so our worker is bundled as it ships), serves it on loopback and times, in one headless
 * Chromium page, ours vs browser-image-compression (worker mode) vs compressorjs vs the floor
 * (a bare decode), unthrottled and at 4x CPU throttle.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium, throttle } from '../lib/chromium.ts';
import { serveStatic } from '../lib/static-server.ts';
import { median } from '../lib/stats.ts';
import type { Method, PhotoBenchApi, RunResult } from './page.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const METHODS: Method[] = ['ours', 'browser-image-compression', 'compressorjs', 'floor'];

export interface PhotoBenchOptions {
  /** Timed runs per method and input, unthrottled (after one warm-up run). */
  iterations: number;
  /** Timed runs at 4x throttle; 0 skips the throttled pass. */
  throttledIterations: number;
  /** Input size factor: 1 = the sizes; the smoke run uses a fraction. */
  scale: number;
  log?: (line: string) => void;
}

export interface PhotoRow {
  input: string;
  method: Method;
  cpuRate: number;
  runsMs: number[];
  medianMs: number;
  /** Most long tasks seen in any one run, and their median total duration. */
  longTasks: number;
  longTaskMs: number;
  bytes?: number;
  width?: number;
  height?: number;
  type?: string;
  exif?: boolean;
  gps?: boolean;
  psnr?: number;
  ssim?: number;
  /** Set when the output could not be compared with the reference (wrong size or orientation). */
  notComparable?: boolean;
}

export interface PhotoReport {
  inputs: { name: string; bytes: number; type: string; width: number; height: number }[];
  rows: PhotoRow[];
  /** Fixed-loop times on the main thread and in a worker, at rate 1 and 4: does throttling reach workers? */
  throttleReach?: { rate: number; mainMs: number; workerMs: number }[];
}

async function buildPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: HERE,
    base: '/',
    logLevel: 'warn',
    publicDir: false,
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: true, reportCompressedSize: false, modulePreload: { polyfill: false } },
    worker: { format: 'es' },
  });
}

type PageBench = { photoBench: PhotoBenchApi };

export async function runPhotoBench(options: PhotoBenchOptions): Promise<PhotoReport> {
  const log = options.log ?? (() => {});
  const outDir = await mkdtemp(join(tmpdir(), 'tryon-bench-photo-'));
  const require = createRequire(import.meta.url);
  const bicScript = join(require.resolve('browser-image-compression'), '..', 'browser-image-compression.js');
  log('photo: building the bench page');
  await buildPage(outDir);
  const server = await serveStatic(outDir, { '/bic.js': bicScript });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => log(`photo page error: ${error.message}`));
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'photo bench ready');
    log('photo: drawing the inputs');
    const inputs = await page.evaluate((scale) => (window as unknown as PageBench).photoBench.makeInputs(scale), options.scale);

    const rows: PhotoRow[] = [];
    const passes = [
      { rate: 1, runs: options.iterations },
      ...(options.throttledIterations > 0 ? [{ rate: 4, runs: options.throttledIterations }] : []),
    ];
    const throttleReach: PhotoReport['throttleReach'] = [];
    for (const pass of passes) {
      await throttle(page, pass.rate);
      throttleReach.push({
        rate: pass.rate,
        ...(await page.evaluate(() => (window as unknown as PageBench).photoBench.spinTimes(20_000_000))),
      });
      for (const input of inputs) {
        const results = new Map<Method, RunResult[]>(METHODS.map((m) => [m, []]));
        // Round-robin, so drift on a noisy machine hits every method alike; round 0 warms up.
        for (let round = 0; round <= pass.runs; round++) {
          for (const method of METHODS) {
            const result = await page.evaluate(([m, name]) => (window as unknown as PageBench).photoBench.run(m as Method, name), [
              method,
              input.name,
            ] as const);
            if (round > 0) results.get(method)!.push(result);
          }
        }
        for (const method of METHODS) {
          const runs = results.get(method)!;
          const last = runs.at(-1)!;
          const row: PhotoRow = {
            input: input.name,
            method,
            cpuRate: pass.rate,
            runsMs: runs.map((r) => r.ms),
            medianMs: median(runs.map((r) => r.ms)),
            longTasks: Math.max(...runs.map((r) => r.longTasks)),
            longTaskMs: median(runs.map((r) => r.longTaskMs)),
          };
          for (const key of ['bytes', 'width', 'height', 'type', 'exif', 'gps'] as const) {
            if (last[key] !== undefined) Object.assign(row, { [key]: last[key] });
          }
          if (pass.rate === 1 && method !== 'floor') {
            // Scored at full speed: quality does not depend on the CPU, and the maths is slow.
            await throttle(page, 1);
            const score = await page.evaluate(([m, name]) => (window as unknown as PageBench).photoBench.quality(m as Method, name), [
              method,
              input.name,
            ] as const);
            if (score) Object.assign(row, { psnr: score.psnr, ssim: score.ssim });
            else row.notComparable = true;
          }
          rows.push(row);
        }
        const line = rows
          .filter((r) => r.input === input.name && r.cpuRate === pass.rate)
          .map((r) => `${r.method} ${r.medianMs.toFixed(0)} ms`)
          .join(', ');
        log(`photo: ${input.name} @${pass.rate}x: ${line}`);
      }
    }
    await throttle(page, 1);
    return { inputs, rows, throttleReach };
  } finally {
    await browser.close();
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  }
}
