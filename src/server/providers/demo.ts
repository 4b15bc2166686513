/**
 * The demo provider (`TRYON_PROVIDER=demo`, the default; no key): a labelled preview composite,
 * not AI. It takes the same path through the endpoint as a real provider (submit, signed token,
 * polls through the status cache) so the whole widget flow can be tried without an account.
 */
import { CATEGORIES, type Category } from '../../protocol.ts';
import type { JobState, ProviderAdapter } from './types.ts';
import { ProviderError } from './errors.ts';
import { composeDemoSvg } from './demo-composite.ts';

export interface DemoTiming {
  /** How long a new job reports `queued`. */
  queuedMs: number;
  /** How long it then reports `processing` before `completed`. */
  processingMs: number;
}

export interface DemoAdapterInit extends Partial<DemoTiming> {
  /** Clock, for tests. */
  now?: () => number;
  /** Largest garment image the demo downloads. */
  garmentMaxBytes?: number;
  garmentTimeoutMs?: number;
}

/** Results outlive any job token (24 h) so a completed job never points at a missing file. */
const RESULT_TTL_MS = 25 * 60 * 60 * 1000;

/** The demo's job id: its creation time and the result file, so polling needs no server state. */
export function encodeDemoJobId(createdAt: number, resultUrl: string): string {
  return `${createdAt.toString(36)}.${resultUrl}`;
}

export function decodeDemoJobId(jobId: string): { createdAt: number; resultUrl: string } {
  const dot = jobId.indexOf('.');
  const createdAt = parseInt(jobId.slice(0, dot), 36);
  const resultUrl = jobId.slice(dot + 1);
  if (dot <= 0 || !Number.isFinite(createdAt) || !resultUrl) {
    throw new ProviderError('not_found', 'The demo job id is malformed.');
  }
  return { createdAt, resultUrl };
}

/** Where a demo job is, from its age alone. */
export function demoState(createdAt: number, resultUrl: string, now: number, timing: DemoTiming): JobState {
  const age = now - createdAt;
  if (age < timing.queuedMs) return { status: 'queued' };
  if (age < timing.queuedMs + timing.processingMs) return { status: 'processing' };
  return { status: 'completed', images: [resultUrl] };
}

/** A demo adapter; `demoAdapter` is the default one. Tests pass a clock and timings. */
export function createDemoAdapter(init: DemoAdapterInit = {}): ProviderAdapter {
  const now = init.now ?? Date.now;
  const timing: DemoTiming = { queuedMs: init.queuedMs ?? 1000, processingMs: init.processingMs ?? 2500 };
  const garmentMaxBytes = init.garmentMaxBytes ?? 5 * 1024 * 1024;
  const garmentTimeoutMs = init.garmentTimeoutMs ?? 10_000;
  return {
    name: 'demo',
    defaultBaseUrl: 'about:demo',
    pollIntervalMs: 1000,
    categories: Object.fromEntries(CATEGORIES.map((c) => [c, c])) as Record<Category, string>,
    async submit(input, ctx) {
      // The endpoint's one safe download: allowlist, public addresses only, no redirects, size and time caps.
      const garment = await ctx.fetchGarment(input.garmentUrl, {
        maxBytes: garmentMaxBytes,
        timeoutMs: garmentTimeoutMs,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const svg = composeDemoSvg({
        photo: { bytes: input.photo.bytes, type: input.photo.type, width: input.photo.width, height: input.photo.height },
        garment,
        category: input.category,
      });
      const resultUrl = await ctx.publishFile(new TextEncoder().encode(svg), 'image/svg+xml', RESULT_TTL_MS);
      const createdAt = now();
      return { jobId: encodeDemoJobId(createdAt, resultUrl), state: demoState(createdAt, resultUrl, createdAt, timing) };
    },
    async status(jobId) {
      const { createdAt, resultUrl } = decodeDemoJobId(jobId);
      return demoState(createdAt, resultUrl, now(), timing);
    },
  };
}

/** The built-in demo provider: queued about 1 s, processing about 2.5 s, then completed. */
export const demoAdapter: ProviderAdapter = createDemoAdapter();
