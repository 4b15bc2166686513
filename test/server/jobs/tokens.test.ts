import { describe, expect, it } from 'vitest';
import { EncryptJWT, jwtDecrypt, SignJWT } from 'jose';
import { createHmac, hkdfSync } from 'node:crypto';
import { CountingAdapter, errorOf, get, setup, submitRequest, SECRET } from '../helpers.ts';
import { KEY_DERIVATION, TokenSigner } from '../../../src/server/jobs/tokens.ts';

async function startJob(s: ReturnType<typeof setup>) {
  return ((await (await s.handler(submitRequest())).json()) as { job: string }).job;
}

/** The job-token key, derived here independently of tokens.ts (node:crypto), as documented there. */
const jobKey = (secret: string) => new Uint8Array(hkdfSync('sha256', secret, KEY_DERIVATION.salt, KEY_DERIVATION.jobTokenInfo, 32));

/** Every reading of a token a holder could try: the text, and each segment base64url-decoded. */
function readings(token: string): string[] {
  const segments = token.split('.');
  return [
    token,
    ...segments.map((segment) => Buffer.from(segment, 'base64url').toString('latin1')),
    Buffer.from(token.replace(/\./g, ''), 'base64url').toString('latin1'),
  ];
}

/** An adapter whose job ids are long and recognizable, so finding one in a token cannot be chance. */
class VendorIdAdapter extends CountingAdapter {
  override async submit(...args: Parameters<CountingAdapter['submit']>) {
    await super.submit(...args);
    return { jobId: `vendor-job-4b1d9e27c8a6f03e-${this.submits.length}` };
  }
}

describe('job tokens', () => {
  it('are opaque: no reading of the token shows the job id, photo handle, photo file id or key', async () => {
    const adapter = new VendorIdAdapter();
    const s = setup({ publicUrl: 'http://localhost:5173/api/try-on' }, adapter);
    const { job, photoRef } = (await (await s.handler(submitRequest())).json()) as { job: string; photoRef: string };
    const fileId = adapter.submits[0]!.photo.url!.split('/').pop()!;
    expect(fileId).toMatch(/^[\w-]{32}$/);
    expect(job.split('.')).toHaveLength(5);
    expect(JSON.parse(Buffer.from(job.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'dir', enc: 'A256GCM' });
    for (const text of readings(job)) {
      for (const hidden of [
        'vendor-job-4b1d9e27c8a6f03e',
        photoRef,
        photoRef.split('.')[0]!,
        fileId,
        'counting',
        'try-on-job',
        'sk_test',
      ]) {
        expect(text).not.toContain(hidden);
      }
    }
    // Yet it is still the same job: polled with the provider's id.
    expect((await s.handler(get(`/jobs/${job}`))).status).toBe(200);

    // The claims inside, read with the documented key: the same as before, a day long.
    const { payload } = await jwtDecrypt(job, jobKey(SECRET), { currentDate: new Date(s.clock.now()) });
    expect(payload).toMatchObject({
      p: 'counting',
      j: 'vendor-job-4b1d9e27c8a6f03e-1',
      r: photoRef,
      f: fileId,
      s: 'self',
      aud: 'try-on-job',
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(24 * 60 * 60);
  });

  it('a tampered token → 401 job_token_invalid, no provider call', async () => {
    const s = setup();
    const job = await startJob(s);
    const segments = job.split('.');
    const flip = (segment: string) => {
      const bytes = Buffer.from(segment, 'base64url');
      bytes[bytes.length >> 1]! ^= 1;
      return bytes.toString('base64url');
    };
    const tampered = [0, 2, 3, 4].map((i) => segments.map((segment, j) => (i === j ? flip(segment) : segment)).join('.'));
    for (const token of [...tampered, `${job.slice(0, -3)}abc`, 'garbage', segments.slice(0, 3).join('.'), `${job}.x`]) {
      expect(await errorOf(await s.handler(get(`/jobs/${encodeURIComponent(token)}`)))).toMatchObject({
        status: 401,
        code: 'job_token_invalid',
      });
    }
    expect(s.adapter.statusCalls).toBe(0);
  });

  it('an "alg: none" token, a photoRef, and a token signed (not encrypted) with the raw secret are not job tokens', async () => {
    const s = setup();
    const body = (await (await s.handler(submitRequest())).json()) as { job: string; photoRef: string };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = {
      p: 'counting',
      j: 'job-1',
      r: body.photoRef,
      s: 'self',
      aud: 'try-on-job',
      exp: Math.floor(s.clock.now() / 1000) + 60,
    };
    const none = `${b64({ alg: 'none' })}.${b64(claims)}.`;
    expect(await errorOf(await s.handler(get(`/jobs/${none}`)))).toMatchObject({ code: 'job_token_invalid' });
    expect(await errorOf(await s.handler(get(`/jobs/${body.photoRef}`)))).toMatchObject({ code: 'job_token_invalid' });
    // The old token format: readable, signed with TRYON_SECRET itself.
    const signed = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
    expect(await errorOf(await s.handler(get(`/jobs/${signed}`)))).toMatchObject({ code: 'job_token_invalid' });
    // Nor is a JWE under the raw secret (padded to a key's length) rather than the derived key.
    const rawKey = new TextEncoder().encode(SECRET.padEnd(32, '0').slice(0, 32));
    const underRaw = await new EncryptJWT(claims).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(rawKey);
    expect(await errorOf(await s.handler(get(`/jobs/${underRaw}`)))).toMatchObject({ code: 'job_token_invalid' });
    expect(s.adapter.statusCalls).toBe(0);
  });

  it('a token made under another secret, or for another audience → 401 job_token_invalid', async () => {
    const other = setup({ secret: 'a-completely-different-secret-0123456789' });
    const job = await startJob(other);
    const s = setup();
    expect(await errorOf(await s.handler(get(`/jobs/${job}`)))).toMatchObject({ status: 401, code: 'job_token_invalid' });
    // Correctly encrypted, but of the wrong audience.
    const wrongAudience = await new EncryptJWT({ p: 'counting', j: 'job-1', r: 'x', s: 'self' })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience('something-else')
      .setExpirationTime(Math.floor(s.clock.now() / 1000) + 60)
      .encrypt(jobKey(SECRET));
    expect(await errorOf(await s.handler(get(`/jobs/${wrongAudience}`)))).toMatchObject({ code: 'job_token_invalid' });
    expect(s.adapter.statusCalls).toBe(0);
  });

  it('photo handles are keyed by their own derived key, not by TRYON_SECRET itself', async () => {
    const signer = new TokenSigner(SECRET, () => Date.UTC(2025, 0, 1));
    const ref = await signer.newPhotoRef();
    const [id, mac] = ref.split('.') as [string, string];
    const photoKey = hkdfSync('sha256', SECRET, KEY_DERIVATION.salt, KEY_DERIVATION.photoHandleInfo, 32);
    expect(mac).toBe(createHmac('sha256', Buffer.from(photoKey)).update(`photo:${id}`).digest('base64url'));
    expect(mac).not.toBe(createHmac('sha256', SECRET).update(`photo:${id}`).digest('base64url'));
    // A handle made the old way, with the raw secret, is not one of ours any more.
    expect(await signer.verifyPhotoRef(`${id}.${createHmac('sha256', SECRET).update(`photo:${id}`).digest('base64url')}`)).toBe(false);
    expect(await signer.verifyPhotoRef(ref)).toBe(true);
  });

  it('an expired token → 401 job_token_expired', async () => {
    const s = setup();
    const job = await startJob(s);
    s.clock.advance(24 * 60 * 60 * 1000 - 60_000);
    expect((await s.handler(get(`/jobs/${job}`))).status).toBe(200);
    s.clock.advance(120_000);
    const e = await errorOf(await s.handler(get(`/jobs/${job}`)));
    expect(e).toMatchObject({ status: 401, code: 'job_token_expired' });
    expect(e.message).toMatch(/start a new one/);
  });

  it('tokens survive a restart when TRYON_SECRET is set (a new handler, same secret)', async () => {
    const a = setup();
    const job = await startJob(a);
    const b = setup();
    expect((await b.handler(get(`/jobs/${job}`))).status).toBe(200);
    expect(b.adapter.statusCalls).toBe(1);
  });

  it('without a secret, a random one is used and a warning is logged', async () => {
    const s = setup({ secret: undefined });
    const job = await startJob(s);
    expect((await s.handler(get(`/jobs/${job}`))).status).toBe(200);
    expect(
      s.logs.some(
        (l) => (l as { level: string; message?: string }).level === 'warn' && /TRYON_SECRET/.test((l as { message: string }).message),
      ),
    ).toBe(true);
    const restarted = setup({ secret: undefined });
    expect(await errorOf(await restarted.handler(get(`/jobs/${job}`)))).toMatchObject({ code: 'job_token_invalid' });
  });
});
