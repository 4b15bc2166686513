/**
 * A small JSON header and raw bytes in one store value (`Store.setBytes`), so a photo and what
 * is known about it (type, size, scope) live and expire under one key, at the photo's own size:
 * [4 bytes: header length, big-endian][header as UTF-8 JSON][the bytes].
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function frame(header: object, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const head = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(4 + head.length + body.length);
  new DataView(out.buffer).setUint32(0, head.length);
  out.set(head, 4);
  out.set(body, 4 + head.length);
  return out;
}

/** The header and a view of the bytes (no copy); undefined for a value that is not framed. */
export function unframe<T>(value: Uint8Array): { header: T; body: Uint8Array } | undefined {
  if (value.length < 4) return undefined;
  const length = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0);
  if (4 + length > value.length) return undefined;
  try {
    return { header: JSON.parse(decoder.decode(value.subarray(4, 4 + length))) as T, body: value.subarray(4 + length) };
  } catch {
    return undefined;
  }
}
