/**
 * Structured logging that cannot leak: every string in an entry is scrubbed of the provider key
 * and anything shaped like a job token, photo handle or photo file id before it reaches the sink,
 * and request lines name the route (`/jobs/:job`), never the handle in the path.
 */

export type LogSink = (entry: object) => void;

const defaultSink: LogSink = (entry) => {
  const line = JSON.stringify(entry);
  if ((entry as { level?: string }).level === 'error' || (entry as { level?: string }).level === 'warn') console.error(line);
  else console.log(line);
};

// Compact JWE (job tokens: five segments, the second empty with `dir`), compact JWS (any other
// JWT, e.g. an old job token) and our photo handles. JWE first: the shorter shapes would
// otherwise match inside it and leave pieces behind.
const TOKEN_PATTERN =
  /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}/g;
// A published file's address (files.ts ids): whoever has it can fetch the photo while the job runs.
const FILE_PATTERN = /\/files\/[A-Za-z0-9_-]{32}/g;

/** A copy of `value` with `secrets` and token-shaped strings replaced. */
export function scrub(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const secret of secrets) if (secret) text = text.split(secret).join('[redacted]');
    return text.replace(TOKEN_PATTERN, '[token]').replace(FILE_PATTERN, '/files/[id]');
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, secrets, depth + 1);
  return out;
}

/**
 * The path a request line records: the route that answered (`/api/try-on/jobs/:job`), or, for an
 * address no route knows, the path with every segment long enough to be a handle (a token, a
 * photo handle, a file id) blanked, so a mistyped URL is still recognizable in the log.
 */
export function loggedPath(route: string | undefined, pathname: string): string {
  if (route && !route.endsWith('*')) return route;
  return pathname
    .split('/')
    .map((segment) => (segment.length > 20 ? ':redacted' : segment))
    .join('/');
}

export interface Logger {
  info(entry: Record<string, unknown>): void;
  warn(entry: Record<string, unknown>): void;
  error(entry: Record<string, unknown>): void;
}

export function createLogger(sink: LogSink | undefined, secrets: readonly string[], now: () => number): Logger {
  const out = sink ?? defaultSink;
  const emit = (level: string, entry: Record<string, unknown>) => {
    try {
      out(scrub({ time: new Date(now()).toISOString(), level, ...entry }, secrets) as object);
    } catch {
      // A broken log sink must never break a shopper's request.
    }
  };
  return {
    info: (e) => emit('info', e),
    warn: (e) => emit('warn', e),
    error: (e) => emit('error', e),
  };
}
