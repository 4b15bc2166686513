/**
 * Reading a request body under a byte cap and a deadline, as it streams in. The cap is checked
 * per chunk (a declared Content-Length over it is refused before reading a byte), so a 1 GB
 * upload is cut off after the cap instead of being buffered; the deadline covers the whole body,
 * so a client that trickles bytes cannot hold a request open. A form's field names are checked
 * as its parts arrive (multipart-fields.ts).
 */
import { ApiError } from './api-error.ts';
import { checkFormFields, fieldRule, multipartNameScanner } from './multipart-fields.ts';

export interface BodyLimits {
  maxBytes: number;
  /** Time allowed for the whole body to arrive, from the first read. */
  timeoutMs: number;
  /** The sentence of the 413 (default: the shopper's, about a photo upload). */
  tooLargeMessage?: string;
}

/** Answers that end the connection: the rest of the body is not worth reading. */
export const CLOSE_CONNECTION = { connection: 'close' } as const;

const tooLarge = (limits: BodyLimits) =>
  new ApiError(
    413,
    'body_too_large',
    limits.tooLargeMessage ?? `The upload is larger than ${Math.round(limits.maxBytes / (1024 * 1024))} MB. Please choose a smaller photo.`,
  );

const tooSlow = () => new ApiError(408, 'body_timeout', 'The upload took too long. Please check your connection and try again.');

/**
 * The body's bytes; throws ApiError body_too_large (413) or body_timeout (408) and cancels the
 * stream. `inspect` sees each chunk as it arrives and may throw an ApiError to stop reading.
 */
export async function readBody(
  request: Request,
  limits: BodyLimits,
  inspect?: (chunk: Uint8Array) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limits.maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(limits);
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
      if (size > limits.maxBytes) throw tooLarge(limits);
      inspect?.(value);
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

/**
 * The multipart form of a request, read under `limits`, holding only `allowed` fields, each at
 * most once (refused as soon as a bad part arrives); throws ApiError for every failure.
 */
export async function readForm(request: Request, limits: BodyLimits, allowed: readonly string[]): Promise<FormData> {
  const type = request.headers.get('content-type') ?? '';
  const bytes = await readBody(request, limits, multipartNameScanner(type, fieldRule(allowed)));
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new ApiError(400, 'bad_request', 'The upload could not be read as multipart/form-data. Please try again.');
  }
  checkFormFields(form, allowed);
  return form;
}
