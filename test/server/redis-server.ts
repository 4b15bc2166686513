/**
 * Real, throwaway Redis servers for tests: loopback only, random ports, no persistence, their own
 * temp dir. One server (optionally with TLS only), or a three-master Redis Cluster made with
 * `redis-cli --cluster create`. Each server has a watchdog that kills it when the test process
 * is gone or after LIFETIME_SEC, so a crashed run never leaves one behind. Missing redis-server is
 * a test FAILURE with the fix in the message, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';
const CLI = process.env.REDIS_CLI ?? 'redis-cli';
/** No test server outlives this, whatever happens to the test process. */
const LIFETIME_SEC = 15 * 60;

function assertInstalled(binary: string): void {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${binary} is not installed (or REDIS_SERVER / REDIS_CLI does not point to it). Install Debian's package: apt-get install -y redis-server (it brings redis-cli; .ci/run does this).`,
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Kills `pid` once this process exits or LIFETIME_SEC pass, and exits itself when `pid` does. */
function watchdog(pid: number): void {
  const script = `left=${LIFETIME_SEC}; while [ "$left" -gt 0 ] && kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; left=$((left-1)); done; kill -9 ${pid} 2>/dev/null; exit 0`;
  spawn('sh', ['-c', script], { stdio: 'ignore', detached: true }).unref();
}

export interface TlsFiles {
  certPath: string;
  keyPath: string;
}

export class TestRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'tryon-redis-'));
  port = 0;
  #child: ChildProcess | undefined;

  /** `tls`: serve TLS only (no plain port), with this certificate. `args`: more redis-server options. */
  constructor(readonly options: { tls?: TlsFiles; args?: string[] } = {}) {}

  get url(): string {
    return `${this.options.tls ? 'rediss' : 'redis'}://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server (on the same port as before, after a stop) and resolves when it accepts connections. */
  async start(): Promise<void> {
    assertInstalled(BINARY);
    if (!this.port) this.port = await freePort();
    const { tls } = this.options;
    const listen = tls
      ? [
          '--port',
          '0',
          '--tls-port',
          String(this.port),
          '--tls-cert-file',
          tls.certPath,
          '--tls-key-file',
          tls.keyPath,
          '--tls-ca-cert-file',
          tls.certPath,
          '--tls-auth-clients',
          'no',
        ]
      : ['--port', String(this.port)];
    const child = spawn(
      BINARY,
      [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...(this.options.args ?? [])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    if (child.pid) watchdog(child.pid);
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
      });
    });
  }

  /** Stops the server and waits for its exit (the port is then refused). */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts a TestRedis; the caller must `destroy()` it (afterAll). */
export async function startRedis(options: ConstructorParameters<typeof TestRedis>[0] = {}): Promise<TestRedis> {
  const redis = new TestRedis(options);
  await redis.start();
  return redis;
}

const cli = (args: string[], timeout = 20_000) => spawnSync(CLI, args, { encoding: 'utf8', timeout });

export interface TestCluster {
  /** The seed nodes, as REDIS_URL lists them (with TRYON_REDIS_CLUSTER=1). */
  url: string;
  nodes: TestRedis[];
  destroy(): Promise<void>;
}

/**
 * Three masters on 127.0.0.1 (no replicas), each with an explicit cluster bus port, joined by
 * `redis-cli --cluster create`; resolves once every node reports cluster_state:ok (within 30 s).
 */
export async function startRedisCluster(): Promise<TestCluster> {
  assertInstalled(CLI);
  const nodes: TestRedis[] = [];
  const destroy = async () => {
    for (const node of nodes) await node.destroy();
  };
  try {
    for (let i = 0; i < 3; i++) {
      const busPort = await freePort();
      const node = new TestRedis({
        args: ['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-node-timeout', '5000'],
      });
      node.options.args!.push('--cluster-config-file', join(node.dir, 'nodes.conf'));
      nodes.push(node);
      await node.start();
    }
    const made = cli(['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    if (made.status !== 0) throw new Error(`redis-cli --cluster create failed: ${made.stdout}\n${made.stderr}`);
    const until = Date.now() + 30_000;
    for (;;) {
      const states = nodes.map((n) => cli(['-p', String(n.port), 'cluster', 'info'], 5000).stdout);
      if (states.every((s) => s.includes('cluster_state:ok'))) break;
      if (Date.now() > until) throw new Error(`the test cluster did not come up within 30 s:\n${states.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  return { url: nodes.map((n) => `redis://127.0.0.1:${n.port}`).join(','), nodes, destroy };
}
