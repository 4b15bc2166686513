/**
 * Merchants can see their spend (issue 13, part 4): `GET /admin/providers` only with the
 * merchant's secret (absent without one), per provider the budget in use, the line, the last 429,
 * jobs today and credits where the API tells them; a warning when credits fall under the threshold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTryOnHandler } from '../../../src/server/handler.ts';
import { ConfigError } from '../../../src/server/settings.ts';
import { startFakeVistoure } from '../../fakes/vistoure.ts';
import type { FakeProvider } from '../../fakes/common.ts';
import { BASE, FAKE_KEY, errorOf, get, setup, submitRequest } from '../helpers.ts';

const ADMIN = 'merchant-admin-secret-0123456789';
const admin = (secret?: string) => get('/admin/providers', secret ? { authorization: `Bearer ${secret}` } : {});

describe('GET /admin/providers', () => {
  it('does not exist without TRYON_ADMIN_SECRET, and refuses a missing or wrong secret', async () => {
    expect(await errorOf(await setup().handler(admin(ADMIN)))).toMatchObject({ status: 404, code: 'not_found' });
    const s = setup({ adminSecret: ADMIN });
    expect(await errorOf(await s.handler(admin()))).toMatchObject({ status: 401, code: 'admin_unauthorized' });
    expect(await errorOf(await s.handler(admin(`${ADMIN}x`)))).toMatchObject({ status: 401, code: 'admin_unauthorized' });
    expect((await s.handler(admin(ADMIN))).status).toBe(200);
    expect(() => setup({ adminSecret: 'short' })).toThrow(ConfigError);
  });

  it('reports per provider: budget in use, line, last 429, jobs today; never the key', async () => {
    const s = setup({ adminSecret: ADMIN });
    await s.handler(submitRequest());
    await s.handler(submitRequest());
    const response = await s.handler(admin(ADMIN));
    const text = await response.text();
    expect(text).not.toContain(FAKE_KEY);
    expect(text).not.toContain(ADMIN);
    const report = JSON.parse(text) as { providers: Array<Record<string, unknown>>; pendingDeletions: number };
    expect(report.providers).toEqual([
      expect.objectContaining({
        provider: 'counting',
        primary: true,
        jobsToday: 2,
        queueLength: 0,
        last429: null,
        credits: null,
        generationsRunning: 0,
      }),
    ]);
    expect(report.providers[0]!.account).toMatch(/^counting:[0-9a-f]{12}$/);
    expect(report.pendingDeletions).toBe(0);
  });
});

describe('credits where the API tells them', () => {
  let fake: FakeProvider & { tokens?: number };
  beforeAll(async () => {
    fake = await startFakeVistoure({ apiKey: 'vistoure-key-0123' });
  });
  afterAll(() => fake.close());

  it("VistoureAI: the token balance in the report, and a warning under the merchant's threshold", async () => {
    (fake as unknown as { tokens: number }).tokens = 40;
    const logs: Array<Record<string, unknown>> = [];
    const handler = createTryOnHandler({
      provider: 'vistoure',
      apiKey: 'vistoure-key-0123',
      providerUrl: fake.url,
      secret: 'spend-secret-0123456789abcdef0123456789',
      basePath: '/api/try-on',
      adminSecret: ADMIN,
      creditsWarnBelow: 100,
      log: (entry) => logs.push(entry as Record<string, unknown>),
    });
    const report = (await (
      await handler(new Request(`${BASE}/admin/providers`, { headers: { authorization: `Bearer ${ADMIN}` } }))
    ).json()) as {
      providers: Array<{ credits: unknown }>;
    };
    expect(report.providers[0]!.credits).toEqual({ remaining: 40, unit: 'tokens' });
    expect(logs).toContainEqual(expect.objectContaining({ event: 'credits_low', provider: 'vistoure', remaining: 40 }));
  });
});

describe('VirtuFit credits_remaining', () => {
  it('is kept from a synchronous answer and reported by the adapter', async () => {
    const { startFakeVirtufit } = await import('../../fakes/virtufit.ts');
    const { createTestContext } = await import('../../fakes/context.ts');
    const { virtufitAdapter } = await import('../../../src/server/providers/virtufit.ts');
    const { photoPng } = await import('../images.ts');
    const virtufit = await startFakeVirtufit({ apiKey: 'kf' });
    const t = await createTestContext({ baseUrl: virtufit.url, apiKey: 'kf' });
    try {
      virtufit.syncMode = true;
      virtufit.credits = 48;
      const ctx = { ...t.ctx, publicUrl: undefined };
      expect(await virtufitAdapter.credits!(ctx)).toBeUndefined();
      const garmentUrl = await t.ctx.publishFile(photoPng, 'image/png', 60_000);
      await virtufitAdapter.submit(
        { photo: { bytes: photoPng, type: 'image/png', width: 60, height: 90, ref: 'r' }, garmentUrl, category: 'top' },
        ctx,
      );
      const credits = await virtufitAdapter.credits!(ctx);
      expect(credits?.unit).toBe('credits');
      expect(credits?.remaining).toBeLessThan(48);
    } finally {
      await virtufit.close();
      await t.close();
    }
  });
});
