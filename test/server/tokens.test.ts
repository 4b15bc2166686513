import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { errorOf, get, setup, submitRequest, SECRET } from './helpers.ts';

async function startJob(s: ReturnType<typeof setup>) {
  return ((await (await s.handler(submitRequest())).json()) as { job: string }).job;
}

describe('job tokens', () => {
  it('a valid token is polled; the token carries no key and no photo', async () => {
    const s = setup();
    const job = await startJob(s);
    expect((await s.handler(get(`/jobs/${job}`))).status).toBe(200);
    const payload = JSON.parse(Buffer.from(job.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ p: 'counting', j: 'job-1', aud: 'try-on-job' });
    expect(JSON.stringify(payload)).not.toContain('sk_test');
    expect((payload.exp as number) - (payload.iat as number)).toBe(24 * 60 * 60);
  });

  it('a tampered token → 401 job_token_invalid, no provider call', async () => {
    const s = setup();
    const job = await startJob(s);
    const [h, p, sig] = job.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.j = 'someone-elses-job';
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    for (const token of [forged, `${job.slice(0, -3)}abc`, 'garbage', `${h}.${p}.`]) {
      expect(await errorOf(await s.handler(get(`/jobs/${encodeURIComponent(token)}`)))).toMatchObject({ status: 401, code: 'job_token_invalid' });
    }
    expect(s.adapter.statusCalls).toBe(0);
  });

  it('an "alg: none" token and a photoRef are not job tokens', async () => {
    const s = setup();
    const body = (await (await s.handler(submitRequest())).json()) as { job: string; photoRef: string };
    const p = body.job.split('.')[1];
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect(await errorOf(await s.handler(get(`/jobs/${none}`)))).toMatchObject({ code: 'job_token_invalid' });
    expect(await errorOf(await s.handler(get(`/jobs/${body.photoRef}`)))).toMatchObject({ code: 'job_token_invalid' });
  });

  it('a token signed with another secret → 401 job_token_invalid', async () => {
    const other = setup({ secret: 'a-completely-different-secret' });
    const job = await startJob(other);
    const s = setup();
    expect(await errorOf(await s.handler(get(`/jobs/${job}`)))).toMatchObject({ status: 401, code: 'job_token_invalid' });
    // A correctly signed token of the wrong audience is refused too.
    const wrongAudience = await new SignJWT({ p: 'counting', j: 'job-1', r: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('something-else')
      .setExpirationTime(Math.floor(s.clock.now() / 1000) + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await errorOf(await s.handler(get(`/jobs/${wrongAudience}`)))).toMatchObject({ code: 'job_token_invalid' });
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
    expect(s.logs.some((l) => (l as { level: string; message?: string }).level === 'warn' && /TRYON_SECRET/.test((l as { message: string }).message))).toBe(true);
    const restarted = setup({ secret: undefined });
    expect(await errorOf(await restarted.handler(get(`/jobs/${job}`)))).toMatchObject({ code: 'job_token_invalid' });
  });
});
