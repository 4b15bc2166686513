/**
 * The Store on Redis (`REDIS_URL`), so several endpoint instances behind a load balancer share
 * status cache, idempotency answers, photos, files, rate limits and daily caps.
 *
 * Failure policy: while Redis is unreachable every operation fails at once with a
 * StoreUnavailableError (503 + Retry-After) instead of queueing behind a dead connection, and
 * the client keeps reconnecting in the background, so the endpoint recovers by itself.
 */
import type { Redis, RedisOptions } from 'ioredis';
import type { Store } from './store.ts';
import { flexibleLimiter, type Limiter, type LimiterOptions } from './limiter.ts';
import { StoreUnavailableError } from './store-unavailable.ts';

/** Every key this endpoint writes starts with this, so it can share a Redis with other apps. */
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

type TryOnRedis = Redis & {
  tryonIncr(key: string, ttlMs: number, by: number): Promise<number>;
  tryonSetIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<number>;
  tryonDeleteIfEquals(key: string, expected: string): Promise<number>;
};

export interface RedisStoreOptions {
  /** Key prefix. Default `tryon:`. */
  prefix?: string;
  /** Called with connection problems (already free of secrets: no URL, no password). */
  onError?: (message: string) => void;
  /** ioredis options merged over the defaults below (tests shorten the timeouts). */
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

export class RedisStore implements Store {
  readonly shared = true;
  readonly prefix: string;
  readonly #url: string;
  readonly #options: RedisStoreOptions;
  #client: Promise<TryOnRedis> | undefined;
  #closed = false;

  /** `url`: `redis://[:password@]host:port[/db]` or `rediss://` for TLS. Nothing connects until first use. */
  constructor(url: string, options: RedisStoreOptions = {}) {
    this.#url = url;
    this.#options = options;
    this.prefix = options.prefix ?? REDIS_PREFIX;
  }

  /**
   * The connected client, shared with the rate limiters. ioredis is imported on first use so
   * runtimes that never set REDIS_URL (edge) never load it.
   */
  connection(): Promise<TryOnRedis> {
    if (this.#closed) return Promise.reject(new StoreUnavailableError());
    this.#client ??= (async () => {
      const { Redis } = await import('ioredis');
      const client = new Redis(this.#url, { ...DEFAULTS, ...this.#options.redisOptions }) as TryOnRedis;
      client.defineCommand('tryonIncr', { numberOfKeys: 1, lua: INCR_WITH_EXPIRY });
      client.defineCommand('tryonSetIfEquals', { numberOfKeys: 1, lua: SET_IF_EQUALS });
      client.defineCommand('tryonDeleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS });
      let lastReported = '';
      client.on('error', (error: Error) => {
        // A down Redis reports every reconnect attempt; one line per distinct problem is enough.
        const message = `Redis: ${(error as { code?: string }).code ?? error.name}`;
        if (message !== lastReported) this.#options.onError?.(message);
        lastReported = message;
      });
      client.on('ready', () => {
        lastReported = '';
      });
      // The first connect is awaited (bounded by connectTimeout); if it fails, ioredis keeps retrying.
      await client.connect().catch(() => undefined);
      return client;
    })();
    return this.#client;
  }

  async #run<T>(op: (client: TryOnRedis) => Promise<T>): Promise<T> {
    const client = await this.connection();
    if (client.status !== 'ready') throw new StoreUnavailableError();
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

  /** rate-limiter-flexible's Redis limiter on this store's connection and prefix. */
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
