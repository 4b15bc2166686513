/**
 * Shared machinery of the shipping tests: builds into temporary folders (never dist/, which
 * other suites read), a loopback static server, and Chromium through playwright-core.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, loadConfigFromFile, type InlineConfig, type PluginOption } from 'vite';

export { launchChromium } from '../chromium.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `try-on-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Builds with a project's vite config into `outDir`. The widget config's size-report plugin is
 * dropped because it writes dist/bundle-size.json, which the size checks of another suite own.
 */
export async function viteBuild(configFile: string, outDir: string): Promise<void> {
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, join(ROOT, configFile));
  if (!loaded) throw new Error(`${configFile} did not load`);
  const plugins = (loaded.config.plugins ?? [])
    .flat(Infinity as 1)
    .filter(
      (plugin: PluginOption) => !(plugin && typeof plugin === 'object' && 'name' in plugin && plugin.name === 'try-on-button:bundle-size'),
    );
  const config: InlineConfig = {
    ...loaded.config,
    configFile: false,
    logLevel: 'error',
    plugins,
    build: { ...loaded.config.build, outDir, emptyOutDir: true },
  };
  await build(config);
}

/** Runs a command synchronously; returns its status and output. */
export function run(command: string, args: string[], input?: string) {
  const result = spawnSync(command, args, { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticServer {
  origin: string;
  /** Paths requested so far, in order, with their status. */
  requests: { path: string; status: number }[];
  close: () => Promise<void>;
}

/** Serves `dir` on 127.0.0.1 (random port); `/` is index.html. */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const requests: StaticServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    let status = 200;
    let body: Buffer | undefined;
    if (!file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) status = 403;
    else {
      try {
        if (!statSync(file).isFile()) throw new Error('not a file');
        body = readFileSync(file);
      } catch {
        status = 404;
      }
    }
    requests.push({ path, status });
    res.writeHead(status, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
