/**
 * Shared machinery of the local provider fakes: a real HTTP server on 127.0.0.1, call
 * counting per named route, fault injection, time-driven job progress and a real PNG result.
 *
 * Each fake (test/fakes/<provider>.ts) declares its documented routes on `fake.app` (Hono)
 * and wraps each handler with `fake.route(name, handler)`, which counts the call and applies
 * any injected fault before the handler runs. Auth is checked by the fake itself, with the
 * provider's documented header, so a wrong header is a real 401.
 */
import { Hono, type Context } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import { deflateSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: number; body?: string }
  | { kind: 'slow'; ms: number }
  | { kind: 'malformed' }
  | { kind: 'drop' };

export interface Call {
  route: string;
  method: string;
  path: string;
  at: number;
}

interface PendingFault {
  route: string | '*';
  fault: Fault;
  times: number;
}

/** A job that moves queued → processing → completed (or failed) as time passes. */
export interface FakeJob {
  id: string;
  createdAt: number;
  /** Set when the job was told to fail: the provider's own error text. */
  failWith?: string;
  /** Anything the fake wants to remember about the request (for assertions). */
  input: Record<string, unknown>;
  /** The last phase a status read reported (see FakeProvider.reportPhase). */
  reported?: Phase;
}

type Phase = 'queued' | 'processing' | 'completed' | 'failed';
const ORDER: readonly Phase[] = ['queued', 'processing', 'completed'];

export interface Timing {
  /** How long a new job stays queued. */
  queuedMs: number;
  /** How long it then processes before it completes. */
  processingMs: number;
}

export class FakeProvider {
  readonly app = new Hono();
  readonly calls: Call[] = [];
  readonly jobs = new Map<string, FakeJob>();
  timing: Timing = { queuedMs: 150, processingMs: 350 };
  /** The provider error text the next created job fails with (then cleared). */
  nextJobFailure: string | undefined;
  /**
   * When set, a running job's status reads answer this word, one its document does not list
   * (a provider that changed its words): the adapter must read it as still running, not fail.
   */
  unlistedWord: string | undefined;
  url = '';
  #faults: PendingFault[] = [];
  #server: ServerType | undefined;
  #seq = 0;

  constructor(readonly name: string) {
    // Result images the fake "generated": a real PNG, so the widget can display it.
    this.app.get('/__fake/results/:file', (c) => {
      this.calls.push({ route: 'result', method: 'GET', path: c.req.path, at: Date.now() });
      return c.body(new Uint8Array(resultPng), 200, { 'content-type': 'image/png' });
    });
  }

  /** Wraps a route handler: counts the call, then applies a pending fault if one matches. */
  route(name: string, handler: (c: Context) => Response | Promise<Response>) {
    return async (c: Context): Promise<Response> => {
      this.calls.push({ route: name, method: c.req.method, path: c.req.path, at: Date.now() });
      const index = this.#faults.findIndex((f) => f.route === '*' || f.route === name);
      if (index >= 0) {
        const pending = this.#faults[index]!;
        if (--pending.times <= 0) this.#faults.splice(index, 1);
        const fault = pending.fault;
        switch (fault.kind) {
          case 'status': {
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
            return new Response(fault.body ?? JSON.stringify({ error: `injected ${fault.status}` }), {
              status: fault.status,
              headers,
            });
          }
          case 'malformed':
            return new Response('{"status": "compl', { status: 200, headers: { 'content-type': 'application/json' } });
          case 'slow':
            await new Promise((r) => setTimeout(r, fault.ms));
            break;
          case 'drop':
            // Never answers within any sane timeout; the client must give up by itself.
            await new Promise((r) => setTimeout(r, 120_000));
            break;
        }
      }
      return handler(c);
    };
  }

  /** Makes the next `times` calls of `route` (or of any route, '*') fail with `fault`. */
  inject(route: string | '*', fault: Fault, times = 1): void {
    this.#faults.push({ route, fault, times });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  /** Number of calls, of one route or of all (the result image downloads are not counted as API calls). */
  count(route?: string): number {
    return this.calls.filter((c) => (route ? c.route === route : c.route !== 'result')).length;
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  newId(prefix = ''): string {
    return `${prefix}${(++this.#seq).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  }

  createJob(input: Record<string, unknown> = {}, id = this.newId()): FakeJob {
    const job: FakeJob = { id, createdAt: Date.now(), input };
    if (this.nextJobFailure !== undefined) {
      job.failWith = this.nextJobFailure;
      this.nextJobFailure = undefined;
    }
    this.jobs.set(id, job);
    return job;
  }

  /** Where a job is now, in generic words; each fake maps these to its documented statuses. */
  phase(job: FakeJob, now = Date.now()): 'queued' | 'processing' | 'completed' | 'failed' {
    const age = now - job.createdAt;
    if (age < this.timing.queuedMs) return 'queued';
    if (age < this.timing.queuedMs + this.timing.processingMs) return 'processing';
    return job.failWith !== undefined ? 'failed' : 'completed';
  }

  /**
   * The phase a status read reports: as time says, but never skipping a phase since the last
   * read, so a poller always sees queued → processing → done in order however slow the machine
   * (a read that took longer than the processing window used to jump straight to done).
   */
  reportPhase(job: FakeJob, now = Date.now()): Phase {
    const byTime = this.phase(job, now);
    const last = job.reported ? ORDER.indexOf(job.reported) : -1;
    const next = ORDER.indexOf(byTime === 'failed' ? 'completed' : byTime);
    const phase = next > last + 1 ? ORDER[last + 1]! : byTime;
    job.reported = phase;
    return phase;
  }

  resultUrl(job: FakeJob): string {
    return `${this.url}/__fake/results/${job.id}.png`;
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => {
      this.#server = serve({ fetch: this.app.fetch, port, hostname: '127.0.0.1' }, () => resolve());
    });
    const address = this.#server!.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// --- a real PNG, made here so no binary fixture is needed --------------------------------

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A width×height RGB PNG filled by `pixel(x, y)`. */
export function makePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

export const resultPng = makePng(48, 64, (x, y) => [40 + x * 4, 80 + y * 2, 160]);
