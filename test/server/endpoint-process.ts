/**
 * The endpoint as a merchant runs it on a fleet: `try-on-endpoint` (src/server/runtimes/bin.ts
 * under tsx) in its own process, with exactly the environment given (plus PATH and HOME), its JSON
 * log lines collected. Resolves once it prints its address; `close()` sends SIGTERM (then SIGKILL
 * after 5 s) and waits for the exit.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../src/server/runtimes/bin.ts', import.meta.url));

export interface EndpointProcess {
  url: string;
  /** The endpoint's JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  /** Everything it printed, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

export async function startEndpointProcess(env: Record<string, string>, options: { caFile?: string } = {}): Promise<EndpointProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      ...(options.caFile ? { NODE_EXTRA_CA_CERTS: options.caFile } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`try-on-endpoint did not start in 30 s:\n${output}`)), 30_000);
    const onLine = (line: string) => {
      output += `${line}\n`;
      if (line.startsWith('{')) {
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // Not a log entry: kept in `output`.
        }
      }
      const started = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (started) {
        clearTimeout(timer);
        resolve(started[1]!);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        lines.forEach(onLine);
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`try-on-endpoint exited (${String(code)}) before it listened:\n${output}`));
    });
  });
  return {
    url,
    logs,
    output: () => output,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
