/**
 * `npm start` as a newcomer runs it (issue 12): the widget build says nothing unless it fails (no
 * size report, no bundler plugin timings), then the demo store prints where to go, which provider
 * answers the try-on and how to stop, and nothing else. Ctrl+C (SIGINT to the whole process
 * group, as a terminal sends it) stops everything.
 *
 * Rebuilds dist/cdn as `npm start` does: the same sources give the same files, and the e2e files
 * run one at a time (vitest.e2e.config.ts), so no other suite is serving them meanwhile.
 */
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ROOT } from './helpers.ts';

/** Long enough for the widget build on a loaded 2-core machine; a hang fails, it does not stall the run. */
const STARTED_WITHIN_MS = 90_000;

interface Started {
  output: string;
  /** Sends Ctrl+C and resolves with how npm ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `npm start` with no TRYON_* settings on a free port; resolves once it says how to stop. */
function npmStart(): Promise<Started> {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    // Exactly a newcomer's setup: none of the developer's TRYON_* variables, any free port, and
    // npm's own update notice (not the project's output) off.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so SIGINT reaches npm, the shell, the build and the server alike.
    detached: true,
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  const stop = async () => {
    signalGroup('SIGINT');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
    const ended = await exited;
    clearTimeout(timer);
    return ended;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => void stop().then(() => reject(new Error(`npm start did not say how to stop within ${STARTED_WITHIN_MS} ms:\n${output}`))),
      STARTED_WITHIN_MS,
    );
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('Press Ctrl+C to stop.\n')) {
          clearTimeout(timer);
          resolve({ output, stop });
        }
      });
    }
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`npm start ended (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

describe('npm start', () => {
  it('prints only the store address, the endpoint with its provider, and how to stop; Ctrl+C stops it', async () => {
    const started = await npmStart();
    let stopped = false;
    try {
      // npm echoes the script it runs ("> try-on-button@… start", "> vite build …"): npm's, not ours.
      const lines = started.output.split('\n').filter((line) => !line.startsWith('> '));
      const port = /^ {2}Demo store: http:\/\/localhost:(\d+)\/$/m.exec(started.output)?.[1];
      assert.ok(port, `the store address is printed:\n${started.output}`);
      assert.deepEqual(
        lines.filter((line) => line.trim() !== ''),
        [
          `  Demo store: http://localhost:${port}/`,
          `  Try-on endpoint: http://localhost:${port}/api/try-on (provider: demo — a built-in preview, no key needed)`,
          '  Press Ctrl+C to stop.',
        ],
        'nothing but the three lines (no build report, plugin timings or log lines)',
      );
      assert.equal(lines[lines.indexOf(`  Demo store: http://localhost:${port}/`) - 1], '', 'a blank line sets the block apart');

      // The address printed is the one that answers, with the provider it names.
      const health = await fetch(`http://127.0.0.1:${port}/api/try-on/health`);
      assert.deepEqual(await health.json(), { ok: true, provider: 'demo' });
      const page = await fetch(`http://127.0.0.1:${port}/cdn/try-on-button.js`);
      assert.equal(page.status, 200, 'the widget was built and is served');

      const ended = await started.stop();
      stopped = true;
      assert.ok(ended.signal === 'SIGINT' || ended.code === 0, `Ctrl+C ends npm start (${ended.code ?? ended.signal})`);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/api/try-on/health`), 'the server is gone after Ctrl+C');
    } finally {
      if (!stopped) await started.stop();
    }
  });
});
