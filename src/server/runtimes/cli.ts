/**
 * The `try-on-endpoint` command (bin.ts runs it):
 *
 *   try-on-endpoint          start the Node endpoint from TRYON_* variables, PORT and HOST
 *   try-on-endpoint check    verify the configured provider key(s) with a cheap documented call
 *   try-on-endpoint help     usage
 *
 * Exit codes: 0 success (server stopped cleanly; every key verified), 1 a check failed or the
 * server could not start (key refused, provider unreachable, port taken), 2 a usage or
 * configuration error (unknown command, missing TRYON_API_KEY, malformed variable).
 * Nothing printed ever contains a key: configuration errors name variables, never values, and
 * every line is scrubbed of the configured keys before it is written.
 */
import { optionsFromEnv, portFromEnv } from '../config.ts';
import { ConfigError, fallbackEnvPrefix, resolveSettings } from '../settings.ts';
import { startNodeServer } from './node.ts';
import { MemoryStore } from '../store/store.ts';
import { ProviderError } from '../providers/errors.ts';
import type { ProviderSlot } from '../providers/failover.ts';
import type { ProviderContext } from '../providers/types.ts';

/** Exit codes of `try-on-endpoint`. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Where the command writes; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const USAGE = `Usage: try-on-endpoint [start | check | help]

  start (default)  Start the try-on endpoint on Node. Reads TRYON_PROVIDER, TRYON_API_KEY,
                   TRYON_SECRET and the other TRYON_* variables (see the README), PORT
                   (default 8787), HOST (default 127.0.0.1; 0.0.0.0 in a container) and
                   TRYON_BASE_PATH (default /; /api/try-on serves /api/try-on/health, ...).
  check            Verify the provider key(s) with a cheap call that spends no credits,
                   where the provider documents one.
  help             Show this text.

Exit codes: 0 success, 1 check failed or the server could not start, 2 usage or configuration error.`;

// A key check should answer within seconds; a provider that hangs is reported, not waited on.
const CHECK_TIMEOUT_MS = 20_000;

function keyScrubber(env: Record<string, string | undefined>): (text: string) => string {
  const keys = Object.entries(env)
    .filter(([name, value]) => /^TRYON_.*(API_KEY|SECRET)$/.test(name) && value && value.trim().length >= 4)
    .map(([, value]) => value!.trim())
    .sort((a, b) => b.length - a.length);
  return (text) => keys.reduce((t, key) => t.split(key).join('[redacted]'), text);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function checkContext(slot: ProviderSlot, signal: AbortSignal): ProviderContext {
  const unavailable = () => Promise.reject(new Error('Not available during a key check.'));
  return {
    baseUrl: slot.providerBaseUrl,
    apiKey: slot.apiKey,
    fetch: globalThis.fetch,
    store: new MemoryStore(),
    options: slot.providerOptions,
    secret: '',
    // The command is a root of the program: the real clock is chosen here.
    now: Date.now,
    publishFile: unavailable,
    fetchGarment: unavailable,
    signal,
  };
}

/** The variable a slot's key comes from, for messages that tell the merchant what to fix. */
function keyVariable(slot: ProviderSlot, primary: boolean): string {
  return primary ? 'TRYON_API_KEY' : `${fallbackEnvPrefix(slot.adapter.name)}API_KEY`;
}

async function checkSlot(slot: ProviderSlot, primary: boolean, io: CliIo): Promise<boolean> {
  const name = slot.adapter.name;
  if (name === 'demo') {
    io.out(`demo: needs no key (the built-in demo provider makes no provider calls).`);
    return true;
  }
  if (!slot.adapter.checkKey) {
    io.out(`no cheap check available for ${name}; key presence verified (${keyVariable(slot, primary)} is set).`);
    return true;
  }
  try {
    const summary = await slot.adapter.checkKey(checkContext(slot, AbortSignal.timeout(CHECK_TIMEOUT_MS)));
    io.out(`${name}: key accepted by ${slot.providerBaseUrl} (${summary}).`);
    return true;
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'auth') {
      const status = error.providerStatus ? ` with HTTP ${error.providerStatus}` : '';
      io.err(
        `${name}: the provider refused the key${status}. Check ${keyVariable(slot, primary)}: copy the key again from the provider's dashboard, and make sure it belongs to ${slot.providerBaseUrl}.`,
      );
    } else if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      io.err(
        `${name}: ${slot.providerBaseUrl} did not answer within ${CHECK_TIMEOUT_MS / 1000} s, so the key could not be verified. Try again later or check the provider URL.`,
      );
    } else {
      io.err(`${name}: the key could not be verified: ${messageOf(error)} Check the provider URL (${slot.providerBaseUrl}) and try again.`);
    }
    return false;
  }
}

async function check(env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const settings = resolveSettings(optionsFromEnv(env));
  const primary: ProviderSlot = {
    adapter: settings.adapter,
    apiKey: settings.apiKey,
    providerBaseUrl: settings.providerBaseUrl,
    providerOptions: settings.providerOptions,
  };
  let ok = await checkSlot(primary, true, io);
  for (const slot of settings.fallbacks) ok = (await checkSlot(slot, false, io)) && ok;
  return ok ? EXIT.ok : EXIT.failed;
}

/** The server `try-on-endpoint start` runs, handed to `onStarted` (tests stop it this way). */
export interface StartedCli {
  url: string;
  stop(): Promise<void>;
}

async function start(env: Record<string, string | undefined>, io: CliIo, onStarted?: (server: StartedCli) => void): Promise<number> {
  const options = optionsFromEnv(env);
  const port = portFromEnv(env, 8787);
  const hostname = env.HOST?.trim() || '127.0.0.1';
  let server: Awaited<ReturnType<typeof startNodeServer>>;
  try {
    server = await startNodeServer({ port, hostname, env: {}, handlerOptions: options });
  } catch (error) {
    io.err(`The try-on endpoint could not start on ${hostname}:${port}: ${messageOf(error)}`);
    return EXIT.failed;
  }
  const fallbacks = options.fallbacks?.length ? `, fallbacks: ${options.fallbacks.map((f) => f.provider).join(', ')}` : '';
  // The printed URL is what the widget's `endpoint` attribute takes: the base path included.
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  io.out(`Try-on endpoint listening on ${server.url}${base} (provider: ${options.provider ?? 'demo'}${fallbacks})`);
  return new Promise<number>((resolve) => {
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= server.close().then(
        () => resolve(EXIT.ok),
        () => resolve(EXIT.failed),
      ));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    onStarted?.({ url: server.url, stop });
  });
}

/**
 * Runs `try-on-endpoint` with `args` (process.argv without node and the script) and returns
 * its exit code. `start` resolves only once the server has stopped (SIGINT/SIGTERM, or
 * `stop()` of the handle given to `onStarted`).
 */
export async function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = process.env,
  io: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) },
  onStarted?: (server: StartedCli) => void,
): Promise<number> {
  const scrub = keyScrubber(env);
  const safeIo: CliIo = { out: (line) => io.out(scrub(line)), err: (line) => io.err(scrub(line)) };
  const [command = 'start', ...rest] = args;
  if (command === 'help' || command === '--help' || command === '-h') {
    safeIo.out(USAGE);
    return EXIT.ok;
  }
  if ((command !== 'start' && command !== 'check') || rest.length > 0) {
    safeIo.err(`Unknown command "${[command, ...rest].join(' ')}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return command === 'check' ? await check(env, safeIo) : await start(env, safeIo, onStarted);
  } catch (error) {
    if (error instanceof ConfigError) {
      safeIo.err(`Configuration error: ${error.message}`);
      return EXIT.usage;
    }
    safeIo.err(`Unexpected error: ${messageOf(error)}`);
    return EXIT.failed;
  }
}
