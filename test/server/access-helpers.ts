/**
 * Builders for the access and hostile-input tests: Shopify-signed URLs, a fake siteverify
 * answer, raw multipart bodies and streamed bodies.
 */
import { signProxyQuery } from '../../src/server/shopify/shopify.ts';
import { BASE } from './helpers.ts';

export const SHOPIFY_SECRET = 'shpss_app_secret_for_tests_0123';

/** `BASE{path}` with the query Shopify's app proxy adds, signed with `secret`. */
export async function shopifyUrl(
  path: string,
  shop: string,
  nowMs: number,
  secret = SHOPIFY_SECRET,
  extra: Record<string, string> = {},
): Promise<string> {
  const params = new URLSearchParams({
    shop,
    logged_in_customer_id: '',
    path_prefix: '/apps/try-on',
    timestamp: String(Math.floor(nowMs / 1000)),
    ...extra,
  });
  params.set('signature', await signProxyQuery(params, secret));
  return `${BASE}${path}?${params}`;
}

/** A multipart body written by hand, for shapes FormData will not produce. */
export function rawMultipart(
  parts: Array<{ name: string; value: string | Uint8Array; filename?: string }>,
  boundary = 'b0undary',
): { body: Uint8Array<ArrayBuffer>; type: string } {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    chunks.push(enc.encode(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(typeof part.value === 'string' ? enc.encode(part.value) : part.value);
    chunks.push(enc.encode('\r\n'));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.length;
  }
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/** A body that streams `total` bytes of zeros in 64 KB chunks, counting what was pulled. */
export function zeroStream(total: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      controller.enqueue(chunk.subarray(0, n));
    },
  });
  return { stream, pulled: () => sent };
}

/** A body that sends a few bytes and then never ends. */
export function stalledStream(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('--b0undary\r\n'));
    },
  });
}

/** A siteverify answer as Cloudflare documents it. */
export function siteverify(answer: { success: boolean; hostname?: string; action?: string }): Response {
  return Response.json({
    'error-codes': answer.success ? [] : ['invalid-input-response'],
    challenge_ts: '2025-01-01T00:00:00Z',
    ...answer,
  });
}
