/**
 * The Cloudflare Worker of examples/cloudflare as a merchant deploys it, run offline in workerd:
 * bundled by wrangler itself (`wrangler deploy --dry-run --outdir`, the deploy's own build), then
 * started with Miniflare (the package `miniflare` v3) as two Workers from that one bundle, two
 * isolates sharing the Durable Object and the R2 bucket wrangler.toml binds, as two requests of
 * one shopper may land in two isolates in production. Bindings come from wrangler.toml itself
 * (wrangler's unstable_getMiniflareWorkerOptions), so the test runs what the merchant configures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

export const EXAMPLE = fileURLToPath(new URL('../../../examples/cloudflare/', import.meta.url));

export interface WorkerBuild {
  dir: string;
  /** The bundle wrangler wrote (worker.js) and its source map's list of inputs. */
  code: string;
  sources: string[];
  output: string;
  destroy(): void;
}

/** `npx wrangler deploy --dry-run --outdir <tmp>` in examples/cloudflare: the deploy's build, no network. */
export async function buildWorker(): Promise<WorkerBuild> {
  const dir = mkdtempSync(join(tmpdir(), 'tryon-worker-'));
  const wrangler = fileURLToPath(new URL('../../../node_modules/wrangler/bin/wrangler.js', import.meta.url));
  const child = spawn(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', dir], {
    cwd: EXAMPLE,
    // Offline and quiet: no telemetry, no update check, no prompts.
    env: { PATH: process.env.PATH ?? '', HOME: dir, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1', XDG_CONFIG_HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c));
  child.stderr.on('data', (c: Buffer) => (output += c));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wrangler's build did not finish in 120 s:\n${output}`));
    }, 120_000);
    child.once('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`wrangler deploy --dry-run failed (${code}):\n${output}`);
  const map = JSON.parse(readFileSync(join(dir, 'worker.js.map'), 'utf8')) as { sources: string[] };
  return {
    dir,
    code: readFileSync(join(dir, 'worker.js'), 'utf8'),
    sources: map.sources,
    output,
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Workers {
  /** The first isolate, on the entry port (the URL providers are told, TRYON_PUBLIC_URL). */
  a: string;
  /** The second isolate, on its own port. */
  b: string;
  mf: Miniflare;
  /** Everything the Workers logged (their JSON lines among it). */
  logs: string[];
  close(): Promise<void>;
}

/** Two Workers (two isolates) from `build`, with `vars` as their environment, sharing wrangler.toml's Durable Object and bucket. */
export async function startWorkers(build: WorkerBuild, vars: Record<string, string>, port = 0): Promise<Workers> {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(EXAMPLE, 'wrangler.toml'));
  const logs: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => logs.push(...chunk.split('\n').filter(Boolean)));
  };
  const common = {
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    // The module given whole: Miniflare's own module walker refuses the computed import() specifiers
    // (ioredis, undici, node:dns on Node) that keep Node-only code out of this bundle.
    modulesRoot: build.dir,
    modules: [{ type: 'ESModule' as const, path: join(build.dir, 'worker.js'), contents: build.code }],
    // wrangler.toml's vars are the merchant's example; the test's own replace them.
    bindings: vars,
    r2Buckets: workerOptions.r2Buckets,
  };
  const objects = workerOptions.durableObjects as Record<string, { className: string; useSQLite?: boolean }>;
  const mf = new Miniflare({
    host: '127.0.0.1',
    port,
    handleRuntimeStdio: (stdout, stderr) => {
      collect(stdout);
      collect(stderr);
    },
    workers: [
      { name: 'a', ...common, durableObjects: objects },
      {
        name: 'b',
        ...common,
        // The same namespace as `a`: one set of objects, whichever isolate asks.
        durableObjects: Object.fromEntries(Object.entries(objects).map(([binding, o]) => [binding, { ...o, scriptName: 'a' }])),
        unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
      },
    ],
  });
  const a = (await mf.ready).href.replace(/\/$/, '');
  const b = (await mf.unsafeGetDirectURL('b')).href.replace(/\/$/, '');
  return { a, b, mf, logs, close: () => mf.dispose() };
}
