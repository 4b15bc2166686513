/**
 * Shared by the package tests: the package build, a static file server, Chromium.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export { launchChromium } from '../chromium.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds dist/ the way `npm pack` does (scripts/build-package.ts). Type errors are left to the
 * typecheck step (`--no-typecheck`), so these tests judge the files, not work in progress.
 */
export function buildPackage(): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-package.ts', '--no-typecheck'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (result.status !== 0) throw new Error(`The package build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (no shell); `env` replaces the environment except PATH and HOME. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.css': 'text/css',
  '.map': 'application/json',
};

export interface StaticServer {
  url: string;
  /** Paths requested so far, in order. */
  requested: string[];
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 (a free port); `cors` adds `Access-Control-Allow-Origin: *` as CDNs do. */
export async function serveDir(dir: string, options: { cors?: boolean } = {}): Promise<StaticServer> {
  const requested: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requested.push(path);
    const headers: Record<string, string> = options.cors ? { 'access-control-allow-origin': '*' } : {};
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    try {
      if (!file.startsWith(normalize(dir)) || !(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, headers);
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requested,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
