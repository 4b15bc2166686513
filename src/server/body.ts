/**
 * Reading a request body under a byte cap and a deadline, as it streams in. The cap is checked
 * per chunk (a declared Content-Length over it is refused before reading a byte), so a 1 GB
 * upload is cut off after the cap instead of being buffered; the deadline covers the whole body,
 * so a client that trickles bytes cannot hold a request open.
 */
import { ApiError } from './api-error.ts';

export interface BodyLimits {
  maxBytes: number;
  /** Time allowed for the whole body to arrive, from the first read. */
  timeoutMs: number;
}

/** Answers that end the connection: the rest of the body is not worth reading. */
export const CLOSE_CONNECTION = { connection: 'close' } as const;

const tooLarge = (maxBytes: number) =>
  new ApiError(413, 'body_too_large', `The upload is larger than ${Math.round(maxBytes / (1024 * 1024))} MB. Please choose a smaller photo.`);

const tooSlow = () =>
  new ApiError(408, 'body_timeout', 'The upload took too long. Please check your connection and try again.');

/** The body's bytes; throws ApiError body_too_large (413) or body_timeout (408) and cancels the stream. */
export async function readBody(request: Request, limits: BodyLimits): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limits.maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(limits.maxBytes);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooSlow()), limits.timeoutMs);
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBytes) throw tooLarge(limits.maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    // Cancelling tells the runtime to stop reading from the socket.
    reader.cancel().catch(() => {});
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, 'bad_request', 'The upload was interrupted. Please try again.');
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The multipart form of a request, read under `limits`; throws ApiError for every failure. */
export async function readForm(request: Request, limits: BodyLimits): Promise<FormData> {
  const bytes = await readBody(request, limits);
  try {
    return await new Response(bytes, { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
  } catch {
    throw new ApiError(400, 'bad_request', 'The upload could not be read as multipart/form-data. Please try again.');
  }
}
