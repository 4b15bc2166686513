/**
 * Which fields a multipart form may carry, enforced twice with one rule: while the body streams in
 * (each part's name is read from its headers as they arrive, so a form of 10,000 tiny fields, or
 * one with a field the protocol does not have, is refused at its first bad part instead of after
 * buffering up to the body cap and parsing it all), and on the parsed FormData (the parser's word
 * is final, in case it reads a name differently). Web-standard only: it also runs on edge runtimes.
 */
import { ApiError } from './api-error.ts';

/** Names longer than this are not ours; what goes in an error message is cut to it. */
const NAME_SHOWN = 40;
/** A part's headers are a line or two; more than this is not a form from the widget. */
const MAX_PART_HEADER_BYTES = 4096;

const printable = (name: string) => name.replace(/[^\x20-\x7e]/g, '?').slice(0, NAME_SHOWN);

/** Accepts each name of `allowed` once; throws ApiError 400 bad_request for any other name or a repeat. */
export function fieldRule(allowed: readonly string[]): (name: string) => void {
  const seen = new Set<string>();
  return (name) => {
    if (!allowed.includes(name)) {
      throw new ApiError(
        400,
        'bad_request',
        `The field "${printable(name)}" is not part of this request; send only ${allowed.join(', ')}.`,
      );
    }
    // A field sent twice could be read one way here and another way by a provider: refuse it.
    if (seen.has(name)) throw new ApiError(400, 'bad_request', `The field "${name}" was sent more than once; send it once.`);
    seen.add(name);
  };
}

/** Checks every name of a parsed form against `allowed` (see fieldRule). */
export function checkFormFields(form: FormData, allowed: readonly string[]): void {
  const accept = fieldRule(allowed);
  for (const name of form.keys()) accept(name);
}

const encoder = new TextEncoder();
const CRLF2 = encoder.encode('\r\n\r\n');

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const last = haystack.length - needle.length;
  // The native scan for the first byte does the work; photo bytes rarely match it.
  for (let i = haystack.indexOf(needle[0]!, from); i !== -1 && i <= last; i = haystack.indexOf(needle[0]!, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The boundary of a multipart/form-data Content-Type, or undefined (the parser then refuses the body). */
export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^";\s]{1,70}))\s*(?:;|$)/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** The `name` of a part from its header block, '' when it has none. */
function partName(headers: string): string {
  const disposition = /^content-disposition\s*:([^\r\n]*)/im.exec(headers)?.[1] ?? '';
  const match = /;\s*name\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(disposition);
  return match?.[1] ?? match?.[2] ?? '';
}

/**
 * A chunk inspector for readBody: finds each part delimiter of a multipart body as it streams in
 * and hands the part's name to `accept` (which throws to refuse). Undefined when the Content-Type
 * has no usable boundary. Holds only a delimiter's length of bytes between chunks (a part's
 * headers while they arrive).
 */
export function multipartNameScanner(contentType: string, accept: (name: string) => void): ((chunk: Uint8Array) => void) | undefined {
  const boundary = boundaryOf(contentType);
  if (!boundary) return undefined;
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const decoder = new TextDecoder();
  // The first delimiter may open the body without the CRLF that precedes every other one.
  let pending: Uint8Array = encoder.encode('\r\n');
  let state: 'body' | 'headers' | 'done' = 'body';
  return (chunk) => {
    if (state === 'done') return;
    const data = concat(pending, chunk);
    let at = 0;
    for (;;) {
      if (state === 'body') {
        const found = indexOf(data, delimiter, at);
        if (found === -1) {
          pending = data.slice(Math.max(at, data.length - (delimiter.length - 1)));
          return;
        }
        at = found + delimiter.length;
        state = 'headers';
      } else {
        if (data.length - at < 2) break;
        // "--" after a delimiter closes the form; what follows is not read as parts.
        if (data[at] === 0x2d && data[at + 1] === 0x2d) {
          state = 'done';
          pending = new Uint8Array(0);
          return;
        }
        const end = indexOf(data, CRLF2, at);
        if (end === -1) break;
        accept(partName(decoder.decode(data.subarray(at, end))));
        at = end + CRLF2.length;
        state = 'body';
      }
    }
    // Headers still arriving.
    if (data.length - at > MAX_PART_HEADER_BYTES) {
      throw new ApiError(400, 'bad_request', 'A part of the upload has overlong headers. Please send the form again.');
    }
    pending = data.slice(at);
  };
}
