/**
 * The Store on Redis (`REDIS_URL`), so several endpoint instances behind a load balancer share
 * status cache, idempotency answers, photos, files, rate limits and daily caps. One Redis, or a
 * Redis Cluster (`TRYON_REDIS_CLUSTER=1`, REDIS_URL listing one or more seed nodes); `rediss://`
 * for TLS; every key under a per-deployment prefix (`TRYON_REDIS_PREFIX`, default `tryon:`), so two
 * deployments on one Redis never share a daily cap or an idempotency key.
 *
 * Every operation touches one key (the Lua scripts too), so each works unchanged on a Cluster.
 * Photos are stored as raw bytes (binary-safe SET), at their own size.
 *
 * Failure policy: while Redis is unreachable every operation fails at once with a
 * StoreUnavailableError (503 + Retry-After) carrying why, safe to log; requests never queue behind
 * a dead connection, and the client keeps reconnecting in the background, so the endpoint
 * recovers by itself.
 */
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { Store } from './store.ts';
import { flexibleLimiter, type Limiter, type LimiterOptions } from './limiter.ts';
import { StoreUnavailableError } from './store-unavailable.ts';

/** The key prefix when TRYON_REDIS_PREFIX is not set. */
export const REDIS_PREFIX = 'tryon:';

// INCR then set the expiry only on creation, in one atomic step: a crash between the two can
// never leave a counter that lives forever, and later increments never extend the window.
const INCR_WITH_EXPIRY = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

// Compare-and-set: the value is replaced only if it is still the one the caller wrote, checked
// and written in one step so no other instance can slip in between.
const SET_IF_EQUALS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

// Release by the owner only: the key is deleted only while it still holds the owner's value.
const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

interface TryOnCommands {
  tryonIncr(key: string, ttlMs: number, by: number): Promise<number>;
  tryonSetIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<number>;
  tryonDeleteIfEquals(key: string, expected: string): Promise<number>;
}
type TryOnRedis = (Redis | Cluster) & TryOnCommands;

export interface RedisStoreOptions {
  /** Key prefix (`TRYON_REDIS_PREFIX`). Default `tryon:`. */
  prefix?: string;
  /** A Redis Cluster (`TRYON_REDIS_CLUSTER=1`): the URL lists one or more seed nodes, comma-separated. */
  cluster?: boolean;
  /** Called with connection problems (already free of secrets: no URL, no password, no address). */
  onError?: (message: string) => void;
  /** ioredis options merged over the defaults below (tests shorten the timeouts, or add a test CA under `tls`). */
  redisOptions?: RedisOptions;
}

/**
 * Fail fast, reconnect forever: no offline queue (a request while Redis is down gets 503 now, not
 * a hang), one resend at most, a command timeout against half-open sockets, and capped backoff.
 */
const DEFAULTS: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  commandTimeout: 2000,
  retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
};

interface RedisNode {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls: boolean;
}

/** One `redis://` or `rediss://` URL as ioredis connection options (the URL itself is never logged). */
export function parseRedisUrl(url: string): RedisNode {
  const parsed = new URL(url.trim());
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error('not a redis:// or rediss:// URL');
  const node: RedisNode = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    tls: parsed.protocol === 'rediss:',
  };
  if (parsed.username) node.username = decodeURIComponent(parsed.username);
  if (parsed.password) node.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.slice(1);
  if (db) node.db = Number(db);
  return node;
}

/** The error's code when it has one (ECONNREFUSED, a TLS verification code), else its name and words. */
function connectionProblem(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // No code: the server's own words (NOAUTH, WRONGPASS) name the problem; addresses are left out.
  return `${error.name}: ${error.message.replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '[address]').slice(0, 120)}`;
}

export class RedisStore implements Store {
  readonly shared = true;
  readonly prefix: string;
  readonly #urls: string[];
  readonly #options: RedisStoreOptions;
  #client: Promise<TryOnRedis> | undefined;
  #closed = false;
  /** The last connection problem, for the 503s' logged detail while not connected. */
  #lastProblem = '';

  /**
   * `url`: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS; with `cluster`, one
   * or more seed nodes, comma-separated. Nothing connects until first use.
   */
  constructor(url: string, options: RedisStoreOptions = {}) {
    this.#urls = url
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    this.#options = options;
    this.prefix = options.prefix ?? REDIS_PREFIX;
  }

  #create(Redis: typeof import('ioredis').Redis, Cluster: typeof import('ioredis').Cluster): Redis | Cluster {
    const nodes = this.#urls.map(parseRedisUrl);
    const first = nodes[0]!;
    const auth = { ...(first.username ? { username: first.username } : {}), ...(first.password ? { password: first.password } : {}) };
    const { tls: extraTls, ...overrides } = this.#options.redisOptions ?? {};
    const tls = first.tls ? { ...extraTls } : undefined;
    if (!this.#options.cluster) {
      return new Redis({
        ...DEFAULTS,
        host: first.host,
        port: first.port,
        ...auth,
        ...(first.db ? { db: first.db } : {}),
        ...(tls ? { tls } : {}),
        ...overrides,
      });
    }
    const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = { ...DEFAULTS, ...overrides };
    const options: ClusterOptions = {
      lazyConnect,
      enableOfflineQueue,
      clusterRetryStrategy: (times) => retryStrategy!(times) ?? 2000,
      redisOptions: { ...perNode, ...auth, ...(tls ? { tls } : {}) },
      // Managed clusters with TLS (ElastiCache, Memorystore) announce node names the certificate
      // names: connect by those names, not by addresses resolved here.
      ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    };
    return new Cluster(
      nodes.map((n) => ({ host: n.host, port: n.port })),
      options,
    );
  }

  /**
   * The connected client, shared with the rate limiters. ioredis is imported on first use, under
   * a computed name, so bundles for runtimes without TCP (Workers, Vercel Edge) never include it.
   */
  connection(): Promise<TryOnRedis> {
    if (this.#closed) return Promise.reject(new StoreUnavailableError(undefined, 'Redis: the store was closed'));
    this.#client ??= (async () => {
      const specifier = 'ioredis';
      const { Redis, Cluster } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as typeof import('ioredis');
      const client = this.#create(Redis, Cluster) as TryOnRedis;
      client.defineCommand('tryonIncr', { numberOfKeys: 1, lua: INCR_WITH_EXPIRY });
      client.defineCommand('tryonSetIfEquals', { numberOfKeys: 1, lua: SET_IF_EQUALS });
      client.defineCommand('tryonDeleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS });
      const report = (error: Error) => {
        // A down Redis reports every reconnect attempt; one line per distinct problem is enough.
        const problem = connectionProblem(error);
        if (problem !== this.#lastProblem) this.#options.onError?.(`Redis: ${problem}`);
        this.#lastProblem = problem;
      };
      client.on('error', report);
      // A Cluster reports each node's trouble separately.
      client.on('node error', report);
      client.on('ready', () => {
        this.#lastProblem = '';
      });
      // The first connect is awaited (bounded by connectTimeout); if it fails, ioredis keeps retrying.
      await client.connect().catch((error: unknown) => {
        // Its rejection is a generic "Connection is closed."; the 'error' event already named the cause.
        if (!this.#lastProblem && error instanceof Error) report(error);
      });
      return client;
    })();
    return this.#client;
  }

  async #run<T>(op: (client: TryOnRedis) => Promise<T>): Promise<T> {
    const client = await this.connection();
    if (client.status !== 'ready') {
      throw new StoreUnavailableError(
        undefined,
        `Redis: not connected (${client.status}${this.#lastProblem ? `; last problem: ${this.#lastProblem}` : ''})`,
      );
    }
    try {
      return await op(client);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  #key(key: string): string {
    return this.prefix + key;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#run((r) => r.get(this.#key(key)))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#run((r) => r.set(this.#key(key), value, 'PX', ttl(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.#run((r) => r.set(this.#key(key), value, 'PX', ttl(ttlMs), 'NX'))) === 'OK';
  }

  async setIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    return Number(await this.#run((r) => r.tryonSetIfEquals(this.#key(key), expected, value, ttl(ttlMs)))) === 1;
  }

  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    return Number(await this.#run((r) => r.tryonDeleteIfEquals(this.#key(key), expected))) === 1;
  }

  async getBytes(key: string): Promise<Uint8Array | undefined> {
    const buffer = await this.#run((r) => r.getBuffer(this.#key(key)));
    return buffer ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : undefined;
  }

  /** Binary-safe: Redis keeps the bytes as they are (a 10 MB photo is 10 MB, not 13.3 of base64). */
  async setBytes(key: string, bytes: Uint8Array, ttlMs: number): Promise<void> {
    await this.#run((r) => r.set(this.#key(key), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'PX', ttl(ttlMs)));
  }

  async delete(key: string): Promise<void> {
    await this.#run((r) => r.del(this.#key(key)));
  }

  async incr(key: string, ttlMs: number, by = 1): Promise<number> {
    return Number(await this.#run((r) => r.tryonIncr(this.#key(key), ttl(ttlMs), Math.trunc(by))));
  }

  /** rate-limiter-flexible's Redis limiter on this store's connection and prefix (one key per count: Cluster-safe). */
  async limiter(options: LimiterOptions): Promise<Limiter> {
    const { default: RateLimiterRedis } = await import('rate-limiter-flexible/lib/RateLimiterRedis.js');
    return flexibleLimiter(
      new RateLimiterRedis({
        storeClient: await this.connection(),
        keyPrefix: `${this.prefix}rl:${options.keyPrefix}`,
        points: options.points,
        duration: options.durationSec,
        // Fail at once while Redis is down (503), rather than wait on a dead connection.
        rejectIfRedisNotReady: true,
      }),
    );
  }

  /** Closes the connection (tests, graceful shutdown); later calls fail with StoreUnavailableError. */
  async close(): Promise<void> {
    this.#closed = true;
    const client = await this.#client;
    if (!client) return;
    await client.quit().catch(() => client.disconnect());
  }
}

/** Redis refuses a PX of 0 or a fraction. */
const ttl = (ms: number) => Math.max(1, Math.ceil(ms));
