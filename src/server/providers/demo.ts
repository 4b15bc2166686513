/**
 * The demo provider (`TRYON_PROVIDER=demo`, the default; no key): a labelled preview composite,
 * not AI. It takes the same path through the endpoint as a real provider (submit, signed token,
 * polls through the status cache) so the whole widget flow can be tried without an account.
 */
import { imageSize } from 'image-size';
import { CATEGORIES, type Category } from '../../protocol.ts';
import type { JobState, ProviderAdapter, ProviderContext } from './types.ts';
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

const GARMENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  svg: 'image/svg+xml',
};

/** Results outlive any job token (24 h) so a completed job never points at a missing file. */
const RESULT_TTL_MS = 25 * 60 * 60 * 1000;

const garmentProblem = (message: string, cause?: unknown) =>
  new ProviderError('rejected', message, { code: 'garment_rejected', cause });

/**
 * Downloads the garment image: already allowlisted by the handler, but still fetched with no
 * redirects (a redirect could leave the allowlist), a size cap and a timeout.
 */
export async function fetchGarment(
  url: string,
  ctx: Pick<ProviderContext, 'fetch' | 'signal'>,
  maxBytes: number,
  timeoutMs: number,
): Promise<{ bytes: Uint8Array; type: string }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await ctx.fetch(url, { redirect: 'manual', signal });
  } catch (cause) {
    throw garmentProblem('The garment image could not be downloaded. Please check the product image and try again.', cause);
  }
  if (response.status !== 200 || !response.body) {
    await response.body?.cancel().catch(() => {});
    throw garmentProblem(`The garment image could not be downloaded (HTTP ${response.status}). Please check the product image link.`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body.cancel().catch(() => {});
    throw garmentProblem('The garment image is too large for the demo (over 5 MB). Please use a smaller product image.');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw garmentProblem('The garment image is too large for the demo (over 5 MB). Please use a smaller product image.');
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw garmentProblem('The garment image download was interrupted. Please try again.', error);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let kind: string | undefined;
  try {
    kind = imageSize(bytes).type;
  } catch {
    kind = undefined;
  }
  const type = kind ? GARMENT_TYPES[kind] : undefined;
  if (!type) throw garmentProblem('The garment link does not point to a PNG, JPEG, WebP, GIF or SVG image.');
  return { bytes, type };
}

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
      const garment = await fetchGarment(input.garmentUrl, ctx, garmentMaxBytes, garmentTimeoutMs);
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
