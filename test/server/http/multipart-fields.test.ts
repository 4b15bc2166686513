/**
 * The field rule of a multipart form, applied while the body streams in: names are found across
 * any chunking, unknown names and repeats are refused at the part that breaks the rule.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/server/http/api-error.ts';
import { boundaryOf, checkFormFields, fieldRule, multipartNameScanner } from '../../../src/server/http/multipart-fields.ts';
import { rawMultipart } from '../access-helpers.ts';

const ALLOWED = ['photo', 'consent', 'category', 'garment'];

/** Feeds `body` to a scanner in chunks of `size` bytes; returns the names seen, or the error thrown. */
function scan(body: Uint8Array, type: string, size: number, allowed = ALLOWED): { names: string[]; error?: ApiError; fedBytes: number } {
  const names: string[] = [];
  const rule = fieldRule(allowed);
  const inspect = multipartNameScanner(type, (name) => {
    rule(name);
    names.push(name);
  })!;
  let fed = 0;
  try {
    for (let at = 0; at < body.length; at += size) {
      const chunk = body.subarray(at, at + size);
      fed += chunk.length;
      inspect(chunk);
    }
  } catch (error) {
    return { names, error: error as ApiError, fedBytes: fed };
  }
  return { names, fedBytes: fed };
}

const photo = new Uint8Array(5000).map((_, i) => (i * 37) % 256);

describe('multipart field names, checked as the body streams in', () => {
  it('finds every part name whatever the chunking, binary photo bytes included', () => {
    const { body, type } = rawMultipart([
      { name: 'consent', value: 'v1' },
      { name: 'photo', value: photo, filename: 'p.jpg' },
      { name: 'category', value: 'top' },
      { name: 'garment', value: 'https://shop.example/g.png' },
    ]);
    for (const size of [1, 2, 3, 7, 64, 4096, body.length]) {
      const result = scan(body, type, size);
      expect(result.error, `chunks of ${size}`).toBeUndefined();
      expect(result.names, `chunks of ${size}`).toEqual(['consent', 'photo', 'category', 'garment']);
    }
  });

  it('refuses an unknown field at its part, naming it and the fields that are allowed', () => {
    const { body, type } = rawMultipart([
      { name: 'consent', value: 'v1' },
      { name: 'debug', value: '1' },
      { name: 'photo', value: new Uint8Array(200_000), filename: 'p.jpg' },
    ]);
    const result = scan(body, type, 1024);
    expect(result.error).toBeInstanceOf(ApiError);
    expect(result.error).toMatchObject({ status: 400, code: 'bad_request' });
    expect(result.error!.message).toBe('The field "debug" is not part of this request; send only photo, consent, category, garment.');
    // Refused in the first kilobyte, long before the photo part.
    expect(result.fedBytes).toBe(1024);
  });

  it('refuses a field sent twice, and 10,000 tiny fields at the first repeat', () => {
    const parts = Array.from({ length: 10_000 }, () => ({ name: 'consent', value: 'v1' }));
    const { body, type } = rawMultipart(parts);
    const result = scan(body, type, 64 * 1024);
    expect(result.error).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: 'The field "consent" was sent more than once; send it once.',
    });
    expect(result.names).toEqual(['consent']);
    expect(result.fedBytes).toBeLessThan(body.length);
  });

  it('reads quoted and unquoted names in any header case, and ignores what follows the closing delimiter', () => {
    const text =
      '--b\r\nCONTENT-DISPOSITION: form-data; name=consent\r\n\r\nv1\r\n' +
      '--b\r\ncontent-type: text/plain\r\nContent-Disposition: form-data; filename="x.txt"; name="garment"\r\n\r\nhttps://x\r\n' +
      '--b--\r\n--b\r\nContent-Disposition: form-data; name="epilogue"\r\n\r\nnot a part\r\n';
    const result = scan(new TextEncoder().encode(text), 'multipart/form-data; boundary="b"', 5);
    expect(result.error).toBeUndefined();
    expect(result.names).toEqual(['consent', 'garment']);
  });

  it('refuses a part without a name, and part headers that never end', () => {
    const noName = new TextEncoder().encode('--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n');
    expect(scan(noName, 'multipart/form-data; boundary=b', 8).error).toMatchObject({ status: 400, code: 'bad_request' });
    const endless = new TextEncoder().encode(`--b\r\nContent-Disposition: form-data; name="consent"; ${'x'.repeat(10_000)}`);
    expect(scan(endless, 'multipart/form-data; boundary=b', 512).error).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: expect.stringContaining('overlong headers'),
    });
  });

  it('has no scanner without a boundary (the form parser then refuses the body)', () => {
    expect(boundaryOf('multipart/form-data')).toBeUndefined();
    expect(boundaryOf('multipart/form-data; boundary=')).toBeUndefined();
    expect(boundaryOf('multipart/form-data; boundary="a b"; charset=utf-8')).toBe('a b');
    expect(multipartNameScanner('multipart/form-data', () => {})).toBeUndefined();
  });

  it('the same rule holds on a parsed form', () => {
    const form = new FormData();
    form.append('consent', 'v1');
    expect(() => checkFormFields(form, ALLOWED)).not.toThrow();
    form.append('consent', 'v2');
    expect(() => checkFormFields(form, ALLOWED)).toThrow('sent more than once');
    const other = new FormData();
    other.append('x\u0000\u202e', '1');
    expect(() => checkFormFields(other, ALLOWED)).toThrow('The field "x??" is not part of this request');
  });
});
