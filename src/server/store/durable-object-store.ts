/**
 * The Store on Cloudflare Workers, where every request may run in another isolate: values,
 * claims and counters in a Durable Object (TryOnStore, SQLite-backed), photos and files in R2.
 *
 * Why a Durable Object: each object runs one request at a time against its own storage, so a
 * read-modify-write inside it (setIfAbsent, setIfEquals, deleteIfEquals, incr) is atomic and
 * strongly consistent, which Workers KV (eventually consistent, last write wins) cannot give a
 * claim or a daily cap. Keys are spread over SHARDS objects by a hash, each key always in the
 * same one, so no single object carries the whole shop and every operation stays one-key atomic.
 *
 * Why R2 for bytes: a photo may be 10 MB, over a Durable Object's value limit (2 MB with SQLite,
 * 128 KiB without) and a lot to push through an object that also serves every claim and counter
 * of its shard one request at a time. R2 is the platform's store for blobs, strongly consistent
 * for reads after writes, with no size limit that matters here. R2 has no expiry of its own finer
 * than a day, so the object of the key's shard records each blob's expiry: a blob read past it is
 * treated as gone, and the object's alarm deletes it from R2 within SWEEP_EVERY_MS of expiring.
 *
 * Nothing here imports a Workers module: the object class is a plain class with `fetch` and
 * `alarm`, and the client speaks to it with `stub.fetch`, so this file bundles for Workers and
 * loads in Node (the test suite drives the same client through Miniflare).
 */
import type { Store } from './store.ts';
import { StoreUnavailableError } from './store-unavailable.ts';

/** Objects the keys are spread over; changing it moves keys (their state is then lost), so it is fixed. */
export const SHARDS = 16;
/**
 * Expired rows and blobs are swept at most this often per object (they are invisible once expired):
 * a photo leaves R2 within this long of its expiry, for at most one alarm per object this often.
 */
export const SWEEP_EVERY_MS = 15_000;

// --- the Workers types this needs, by shape (no @cloudflare/workers-types at runtime) ---------

interface SqlCursor {
  toArray(): Array<Record<string, unknown>>;
}
export interface DurableObjectStateLike {
  storage: {
    sql: { exec(query: string, ...bindings: unknown[]): SqlCursor };
    getAlarm(): Promise<number | null>;
    setAlarm(at: number): Promise<void>;
  };
}
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: never): { fetch(url: string, init: RequestInit): Promise<Response> };
}
export interface R2BucketLike {
  put(key: string, value: Uint8Array, options?: { customMetadata?: Record<string, string> }): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; customMetadata?: Record<string, string> } | null>;
  delete(key: string): Promise<void>;
}

type Op =
  | { op: 'get'; key: string }
  | { op: 'set'; key: string; value: string; ttlMs: number }
  | { op: 'setIfAbsent'; key: string; value: string; ttlMs: number }
  | { op: 'setIfEquals'; key: string; expected: string; value: string; ttlMs: number }
  | { op: 'deleteIfEquals'; key: string; expected: string }
  | { op: 'delete'; key: string }
  | { op: 'incr'; key: string; ttlMs: number; by: number }
  | { op: 'blob'; key: string; ttlMs: number };

// --- the object ------------------------------------------------------------------------------

/**
 * The Durable Object class (`TryOnStore`): export it from the Worker's main module and bind it as
 * TRYON_STORE (see examples/cloudflare/wrangler.toml, which also makes it SQLite-backed).
 */
export class TryOnStore {
  readonly #state: DurableObjectStateLike;
  readonly #env: Record<string, unknown>;
  #alarmAt: number | null | undefined;

  constructor(state: DurableObjectStateLike, env: Record<string, unknown>) {
    this.#state = state;
    this.#env = env;
    // `blob` rows stand for an R2 object of the same key: no value here, only its expiry.
    this.#sql(
      'CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT, expires INTEGER NOT NULL, blob INTEGER NOT NULL DEFAULT 0)',
    );
    this.#sql('CREATE INDEX IF NOT EXISTS entries_expires ON entries (expires)');
  }

  #sql(query: string, ...bindings: unknown[]): Array<Record<string, unknown>> {
    return this.#state.storage.sql.exec(query, ...bindings).toArray();
  }

  #live(key: string, now: number): { value: string | null; expires: number } | undefined {
    const [row] = this.#sql('SELECT value, expires FROM entries WHERE key = ? AND expires > ?', key, now);
    return row as { value: string | null; expires: number } | undefined;
  }

  #put(key: string, value: string | null, expires: number, blob = 0): void {
    this.#sql('INSERT OR REPLACE INTO entries (key, value, expires, blob) VALUES (?, ?, ?, ?)', key, value, expires, blob);
  }

  /**
   * One operation, start to end without awaiting anything but this object's own storage, so no
   * other request of this object runs in between: each operation is atomic.
   */
  #apply(op: Op, now: number): unknown {
    switch (op.op) {
      case 'get':
        return this.#live(op.key, now)?.value ?? null;
      case 'set':
        this.#put(op.key, op.value, now + op.ttlMs);
        return true;
      case 'setIfAbsent':
        if (this.#live(op.key, now)) return false;
        this.#put(op.key, op.value, now + op.ttlMs);
        return true;
      case 'setIfEquals':
        if (this.#live(op.key, now)?.value !== op.expected) return false;
        this.#put(op.key, op.value, now + op.ttlMs);
        return true;
      case 'deleteIfEquals':
        if (this.#live(op.key, now)?.value !== op.expected) return false;
        this.#sql('DELETE FROM entries WHERE key = ?', op.key);
        return true;
      case 'delete':
        this.#sql('DELETE FROM entries WHERE key = ?', op.key);
        return true;
      case 'incr': {
        const entry = this.#live(op.key, now);
        const next = (entry ? Number(entry.value) : 0) + op.by;
        this.#put(op.key, String(next), entry?.expires ?? now + op.ttlMs);
        return next;
      }
      case 'blob':
        this.#put(op.key, null, now + op.ttlMs, 1);
        return true;
    }
  }

  async fetch(request: Request): Promise<Response> {
    const op = (await request.json()) as Op;
    const now = Date.now();
    const result = this.#apply(op, now);
    if ('ttlMs' in op) await this.#sweepBy(now + op.ttlMs, now);
    return Response.json({ result });
  }

  /** Makes sure a sweep is due by `expires` (not sooner than a minute from now). */
  async #sweepBy(expires: number, now: number): Promise<void> {
    this.#alarmAt ??= await this.#state.storage.getAlarm();
    const at = Math.max(expires, now + SWEEP_EVERY_MS);
    if (this.#alarmAt === null || this.#alarmAt > at) {
      this.#alarmAt = at;
      await this.#state.storage.setAlarm(at);
    }
  }

  /** Deletes what expired, blobs from R2 included, and schedules the next sweep. */
  async alarm(): Promise<void> {
    const now = Date.now();
    this.#alarmAt = null;
    const blobs = this.#sql('SELECT key FROM entries WHERE blob = 1 AND expires <= ?', now).map((r) => String(r.key));
    const bucket = this.#env.TRYON_FILES as R2BucketLike | undefined;
    for (const key of blobs) await bucket?.delete(key);
    this.#sql('DELETE FROM entries WHERE expires <= ?', now);
    const [next] = this.#sql('SELECT MIN(expires) AS at FROM entries');
    if (next && typeof next.at === 'number') await this.#sweepBy(next.at, now);
  }
}

// --- the client --------------------------------------------------------------------------------

/** FNV-1a: a stable spread of keys over the shards, the same in every isolate. */
function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SHARDS;
}

/** The Store over a TryOnStore namespace (TRYON_STORE) and an R2 bucket (TRYON_FILES). */
export class DurableObjectStore implements Store {
  readonly shared = true;
  readonly #namespace: DurableObjectNamespaceLike;
  readonly #bucket: R2BucketLike;
  readonly #now: () => number;

  constructor(namespace: DurableObjectNamespaceLike, bucket: R2BucketLike, now: () => number = Date.now) {
    this.#namespace = namespace;
    this.#bucket = bucket;
    this.#now = now;
  }

  async #call<T>(op: Op): Promise<T> {
    let response: Response;
    try {
      const stub = this.#namespace.get(this.#namespace.idFromName(`tryon-store-${shardOf(op.key)}`) as never);
      // A URL and an init, not a Request: a stub takes both, and so does Miniflare's proxy of one (tests).
      response = await stub.fetch('https://tryon-store.internal/', { method: 'POST', body: JSON.stringify(op) });
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
    if (!response.ok) throw new StoreUnavailableError(undefined, `Durable Object store: HTTP ${response.status} for ${op.op}`);
    return ((await response.json()) as { result: T }).result;
  }

  async #r2<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new StoreUnavailableError(error, `R2 ${what}: ${error instanceof Error ? error.message.slice(0, 120) : 'failed'}`);
    }
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#call<string | null>({ op: 'get', key })) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#call({ op: 'set', key, value, ttlMs });
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.#call<boolean>({ op: 'setIfAbsent', key, value, ttlMs });
  }

  setIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    return this.#call<boolean>({ op: 'setIfEquals', key, expected, value, ttlMs });
  }

  deleteIfEquals(key: string, expected: string): Promise<boolean> {
    return this.#call<boolean>({ op: 'deleteIfEquals', key, expected });
  }

  async delete(key: string): Promise<void> {
    // A key is text or bytes; deleting both costs one free R2 delete.
    await Promise.all([this.#call({ op: 'delete', key }), this.#r2('delete', () => this.#bucket.delete(key))]);
  }

  incr(key: string, ttlMs: number, by = 1): Promise<number> {
    return this.#call<number>({ op: 'incr', key, ttlMs, by });
  }

  async getBytes(key: string): Promise<Uint8Array | undefined> {
    const object = await this.#r2('get', () => this.#bucket.get(key));
    if (!object) return undefined;
    if (Number(object.customMetadata?.expires ?? 0) <= this.#now()) return undefined;
    return new Uint8Array(await this.#r2('read', () => object.arrayBuffer()));
  }

  async setBytes(key: string, bytes: Uint8Array, ttlMs: number): Promise<void> {
    // Its expiry is recorded first: a blob written is always one the sweep will delete.
    await this.#call({ op: 'blob', key, ttlMs });
    const expires = String(this.#now() + ttlMs);
    await this.#r2('put', () => this.#bucket.put(key, bytes, { customMetadata: { expires } }));
  }
}
