/**
 * TRYON_SECRET on a fleet: whenever state is shared (REDIS_URL, a Durable Object, any store that
 * says it is shared), a missing or short secret is a startup error naming TRYON_SECRET (each
 * instance making its own random one would refuse the others' job tokens); a secret is at least
 * 32 bytes everywhere; and the raw secret keys nothing itself: job tokens, photo handles and the
 * providers' secret (VirtuFit's webhook secret) each get their own key by HKDF.
 */
import { describe, expect, it } from 'vitest';
import { createHmac, hkdfSync } from 'node:crypto';
import { createTryOnHandler } from '../../src/server/handler.ts';
import { optionsFromEnv } from '../../src/server/config.ts';
import { resolveSettings } from '../../src/server/settings.ts';
import { runCli } from '../../src/server/runtimes/cli.ts';
import { MemoryStore, type Store } from '../../src/server/store/store.ts';
import { KEY_DERIVATION } from '../../src/server/jobs/tokens.ts';
import { virtufitWebhookSecret } from '../../src/server/providers/virtufit.ts';
import { SECRET, setup, submitRequest } from './helpers.ts';

const REDIS = 'redis://127.0.0.1:6390/0';
const GOOD = 'fleet-secret-0123456789abcdef012345';

/** A store of a merchant's own that other instances see too. */
function sharedStore(): Store {
  const inner = new MemoryStore();
  return Object.assign(Object.create(inner) as Store, { shared: true });
}

const messageOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('TRYON_SECRET when state is shared', () => {
  it('REDIS_URL without TRYON_SECRET is a startup error naming TRYON_SECRET, from the environment and from options', () => {
    expect(messageOf(() => optionsFromEnv({ REDIS_URL: REDIS }))).toMatch(/^TRYON_SECRET .*required when state is shared/);
    expect(messageOf(() => createTryOnHandler({ redisUrl: REDIS, log: () => {} }))).toMatch(/TRYON_SECRET/);
    expect(messageOf(() => createTryOnHandler({ store: sharedStore(), log: () => {} }))).toMatch(/TRYON_SECRET/);
    expect(() => createTryOnHandler({ redisUrl: REDIS, secret: GOOD, log: () => {} })).not.toThrow();
  });

  it('the command refuses to start with exit code 2 and the sentence naming TRYON_SECRET', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli([], { REDIS_URL: REDIS, PORT: '0' }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^Configuration error: TRYON_SECRET/);
    expect(out).toEqual([]);
  });

  it('a secret shorter than 32 bytes is refused everywhere, with or without shared state; 32 bytes are accepted', () => {
    const sixteen = '0123456789abcdef';
    for (const options of [{ secret: sixteen }, { secret: sixteen, redisUrl: REDIS }, { secret: 'x'.repeat(31) }]) {
      expect(messageOf(() => resolveSettings(options))).toMatch(/^TRYON_SECRET .*at least 32 bytes/);
    }
    expect(messageOf(() => optionsFromEnv({ TRYON_SECRET: sixteen }))).toMatch(/TRYON_SECRET/);
    // Bytes, not characters: 11 three-byte characters are 33 bytes.
    expect(() => resolveSettings({ secret: '€'.repeat(11), redisUrl: REDIS })).not.toThrow();
    expect(() => resolveSettings({ secret: 'x'.repeat(32), redisUrl: REDIS })).not.toThrow();
  });

  it('one process without shared state may run without a secret: a random one, and a warning', () => {
    const logs: Array<Record<string, unknown>> = [];
    createTryOnHandler({ log: (e) => logs.push(e as Record<string, unknown>) });
    expect(logs.some((l) => l.level === 'warn' && /TRYON_SECRET is not set/.test(String(l.message)))).toBe(true);
  });

  it('REDIS_URL settings: several addresses need TRYON_REDIS_CLUSTER, a prefix is letters, digits and separators', () => {
    const env = { TRYON_SECRET: GOOD };
    expect(messageOf(() => optionsFromEnv({ ...env, REDIS_URL: `${REDIS},redis://127.0.0.1:6391` }))).toMatch(/TRYON_REDIS_CLUSTER=1/);
    expect(() => optionsFromEnv({ ...env, REDIS_URL: `${REDIS},redis://127.0.0.1:6391`, TRYON_REDIS_CLUSTER: '1' })).not.toThrow();
    expect(messageOf(() => optionsFromEnv({ ...env, REDIS_URL: REDIS, TRYON_REDIS_PREFIX: 'shop {a}' }))).toMatch(/^TRYON_REDIS_PREFIX/);
    expect(messageOf(() => optionsFromEnv({ ...env, REDIS_URL: REDIS, TRYON_REDIS_CLUSTER: 'yes' }))).toMatch(/^TRYON_REDIS_CLUSTER/);
    expect(
      (resolveSettings({ ...optionsFromEnv({ ...env, REDIS_URL: REDIS, TRYON_REDIS_PREFIX: 'shop-a' }) }).store as { prefix?: string })
        .prefix,
    ).toBe('shop-a:');
  });
});

describe('one key per purpose, derived from TRYON_SECRET', () => {
  it("adapters get an HKDF-derived secret, never the raw one; VirtuFit's webhook secret is keyed by it", async () => {
    const s = setup();
    expect((await s.handler(submitRequest())).status).toBe(202);
    const given = s.adapter.contexts[0]!.secret;
    const expected = Buffer.from(hkdfSync('sha256', SECRET, KEY_DERIVATION.salt, KEY_DERIVATION.providerSecretInfo, 32)).toString(
      'base64url',
    );
    expect(given).toBe(expected);
    expect(given).not.toContain(SECRET);
    // What VirtuFit is told to sign with is not keyed by the raw secret either.
    const raw = createHmac('sha256', SECRET).update('try-on-button virtufit webhook v1').digest('hex');
    expect(await virtufitWebhookSecret(given)).not.toBe(raw);
    // Three purposes, three labels.
    expect(new Set([KEY_DERIVATION.jobTokenInfo, KEY_DERIVATION.photoHandleInfo, KEY_DERIVATION.providerSecretInfo]).size).toBe(3);
  });
});
