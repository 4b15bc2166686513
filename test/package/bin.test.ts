/**
 * `try-on-endpoint` as a merchant runs it: a real process (src/server/runtimes/bin.ts under tsx), its
 * stdout, stderr and exit code, against the local provider fakes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT, run, type Run } from './helpers.ts';
import { startFakeVistoure, type VistoureFake } from '../fakes/vistoure.ts';
import { startFakeVtry } from '../fakes/vtry.ts';
import type { FakeProvider } from '../fakes/common.ts';

const BIN = fileURLToPath(new URL('../../src/server/runtimes/bin.ts', import.meta.url));
const SECRET = 'bin-test-secret-0123456789abcdef0123456789';
const VISTOURE_KEY = 'vistoure-live-key-7f3a9c1e5b';
const VTRY_KEY = 'vtry-live-key-4d8e2b6a0c';

/** Runs `try-on-endpoint ...args` with exactly `env` (plus PATH, HOME) and waits for it to exit. */
const runBin = (args: string[], env: Record<string, string>): Promise<Run> =>
  run(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: ROOT, env, timeoutMs: 30_000 });

let vistoure: VistoureFake;
let vtry: FakeProvider;

beforeAll(async () => {
  vistoure = await startFakeVistoure({ apiKey: VISTOURE_KEY });
  vtry = await startFakeVtry({ apiKey: VTRY_KEY });
});

afterAll(async () => {
  await vistoure?.close();
  await vtry?.close();
});

const paid = (fake: FakeProvider) => fake.calls.filter((c) => c.method === 'POST').length;

describe('try-on-endpoint check', () => {
  it('VistoureAI: a valid key reads the token balance and exits 0', async () => {
    vistoure.tokens = 1234;
    const before = vistoure.calls.length;
    const run = await runBin(['check'], {
      TRYON_PROVIDER: 'vistoure',
      TRYON_API_KEY: VISTOURE_KEY,
      TRYON_PROVIDER_URL: vistoure.url,
      TRYON_SECRET: SECRET,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`vistoure: key accepted by ${vistoure.url} (1234 tokens left).`);
    expect(vistoure.calls.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/v2/user/tokens']);
    expect(run.stdout + run.stderr).not.toContain(VISTOURE_KEY);
  });

  it('VistoureAI Try-On Pro: the same balance read checks its key', async () => {
    const run = await runBin(['check'], {
      TRYON_PROVIDER: 'vistoure-pro',
      TRYON_API_KEY: VISTOURE_KEY,
      TRYON_PROVIDER_URL: vistoure.url,
      TRYON_SECRET: SECRET,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^vistoure-pro: key accepted by .* \(\d+ tokens left\)\.$/m);
  });

  it('VistoureAI: a wrong key exits 1 with what to fix, and never prints the key', async () => {
    const wrongKey = 'vistoure-wrong-key-99887766';
    const run = await runBin(['check'], {
      TRYON_PROVIDER: 'vistoure',
      TRYON_API_KEY: wrongKey,
      TRYON_PROVIDER_URL: vistoure.url,
      TRYON_SECRET: SECRET,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/vistoure: the provider refused the key with HTTP 401\. Check TRYON_API_KEY/);
    expect(run.stdout + run.stderr).not.toContain(wrongKey);
    expect(paid(vistoure)).toBe(0);
  });

  it('Vtry AI: a valid key reads /api/v1/me and exits 0; a wrong one exits 1', async () => {
    const env = { TRYON_PROVIDER: 'vtry', TRYON_PROVIDER_URL: vtry.url, TRYON_SECRET: SECRET };
    const before = vtry.calls.length;
    const ok = await runBin(['check'], { ...env, TRYON_API_KEY: VTRY_KEY });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^vtry: key accepted by ${vtry.url.replace(/[.]/g, '\\.')} \\(\\w+ plan, active\\)\\.$`, 'm'));
    expect(vtry.calls.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/v1/me']);

    const bad = await runBin(['check'], { ...env, TRYON_API_KEY: 'vtry-bogus-key-5566' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/vtry: the provider refused the key with HTTP 401\. Check TRYON_API_KEY/);
    expect(bad.stdout + bad.stderr).not.toContain('vtry-bogus-key-5566');
    expect(paid(vtry)).toBe(0);
  });

  it('checks every fallback too, naming the variable of the key that failed', async () => {
    const run = await runBin(['check'], {
      TRYON_PROVIDER: 'vtry',
      TRYON_API_KEY: VTRY_KEY,
      TRYON_PROVIDER_URL: vtry.url,
      TRYON_FALLBACK_PROVIDERS: 'vistoure',
      TRYON_VISTOURE_API_KEY: 'stale-vistoure-key-000111',
      TRYON_VISTOURE_PROVIDER_URL: vistoure.url,
      TRYON_SECRET: SECRET,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^vtry: key accepted/m);
    expect(run.stderr).toMatch(/vistoure: the provider refused the key with HTTP 401\. Check TRYON_VISTOURE_API_KEY/);
    expect(run.stdout + run.stderr).not.toContain('stale-vistoure-key-000111');
  });

  it('a provider without a cheap call: key presence verified, exit 0, no request made', async () => {
    const run = await runBin(['check'], {
      TRYON_PROVIDER: 'vtryon',
      TRYON_API_KEY: 'vtryon-key-abcdef',
      // Nothing listens here: a request would fail the check.
      TRYON_PROVIDER_URL: 'http://127.0.0.1:9',
      TRYON_SECRET: SECRET,
    });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('no cheap check available for vtryon; key presence verified (TRYON_API_KEY is set).');
  });

  it('an unreachable provider exits 1 with a sentence, not a stack trace', async () => {
    const run = await runBin(['check'], {
      TRYON_PROVIDER: 'vistoure',
      TRYON_API_KEY: VISTOURE_KEY,
      TRYON_PROVIDER_URL: 'http://127.0.0.1:9',
      TRYON_SECRET: SECRET,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^vistoure: the key could not be verified: The provider could not be reached\..* Check the provider URL \(http:\/\/127\.0\.0\.1:9\)/m,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain(VISTOURE_KEY);
  });

  it('configuration mistakes exit 2 naming the variable', async () => {
    const missing = await runBin(['check'], { TRYON_PROVIDER: 'vistoure', TRYON_SECRET: SECRET });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Configuration error: TRYON_API_KEY \(option apiKey\) is required for the provider "vistoure"/);

    const unknown = await runBin(['check'], { TRYON_PROVIDER: 'nope', TRYON_API_KEY: 'k-123456', TRYON_SECRET: SECRET });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/TRYON_PROVIDER \(option provider\) names an unknown provider/);
    expect(unknown.stderr).not.toContain('k-123456');
  });

  it('an unknown command exits 2 with the usage; help exits 0', async () => {
    const wrong = await runBin(['chek'], {});
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^Unknown command "chek"\.\n\nUsage: try-on-endpoint/);
    const help = await runBin(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes: 0 success, 1 check failed or the server could not start, 2 usage or configuration error\./);
  });
});

describe('try-on-endpoint (start)', () => {
  it('starts from the environment, prints the URL and provider but not the key, answers /health, stops on SIGTERM with 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        TRYON_PROVIDER: 'vistoure',
        TRYON_API_KEY: VISTOURE_KEY,
        TRYON_PROVIDER_URL: vistoure.url,
        TRYON_SECRET: SECRET,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 15_000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+) \(provider: vistoure\)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, provider: 'vistoure' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).not.toContain(VISTOURE_KEY);
  });

  it("TRYON_BASE_PATH mounts the routes under a path and the printed URL is the widget's endpoint", async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', TRYON_PROVIDER: 'demo', TRYON_SECRET: SECRET, TRYON_BASE_PATH: '/api/try-on' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 15_000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+\S*) \(provider: demo\)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      expect(endpoint).toMatch(/:\d+\/api\/try-on$/);
      const health = await fetch(`${endpoint}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, provider: 'demo' });
      // Nothing answers at the root any more: the path is the only way in.
      const root = await fetch(`${new URL(endpoint).origin}/health`);
      expect(root.status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('a port already taken exits 1 with the address', async () => {
    const taken = new URL(vistoure.url).port;
    const run = await runBin([], { PORT: taken, TRYON_PROVIDER: 'demo', TRYON_SECRET: SECRET });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^The try-on endpoint could not start on 127\\.0\\.0\\.1:${taken}: .*EADDRINUSE`));
  });
});
