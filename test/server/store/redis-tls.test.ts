/**
 * `rediss://`: Redis over TLS only (redis-server with a certificate made by openssl at test time),
 * reached by the store with the certificate trusted, refused with the TLS problem named when it
 * is not, and used by the package's own command (`try-on-endpoint`, trusting the certificate via
 * NODE_EXTRA_CA_CERTS as a merchant with a private CA would) for a whole try-on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisStore } from '../../../src/server/store/redis-store.ts';
import { StoreUnavailableError } from '../../../src/server/store/store-unavailable.ts';
import { makeCertificate, type Certificate } from '../../e2e/topology-servers.ts';
import { startRedis, type TestRedis } from '../redis-server.ts';
import { startEndpointProcess } from '../endpoint-process.ts';
import { photoPng } from '../images.ts';
import { startGarmentHost } from '../contract/providers.ts';
import { everyByte } from './contract.ts';

let dir: string;
let certificate: Certificate;
let redis: TestRedis;
const stores: RedisStore[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tryon-redis-tls-'));
  certificate = await makeCertificate(dir);
  redis = await startRedis({ tls: { certPath: certificate.certPath, keyPath: join(dir, 'key.pem') } });
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await redis?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const tlsStore = (options: ConstructorParameters<typeof RedisStore>[1] = {}) => {
  const store = new RedisStore(redis.url, options);
  stores.push(store);
  return store;
};

describe('Redis over TLS (rediss://)', () => {
  it('with the server certificate trusted, the store works over TLS, bytes included', async () => {
    expect(redis.url).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
    const store = tlsStore({ redisOptions: { tls: { ca: readFileSync(certificate.certPath) } } });
    await store.set('tls:probe', 'over tls', 60_000);
    expect(await store.get('tls:probe')).toBe('over tls');
    await store.setBytes('tls:bytes', everyByte(100_000), 60_000);
    expect(Buffer.from((await store.getBytes('tls:bytes'))!).equals(Buffer.from(everyByte(100_000)))).toBe(true);
  });

  it('an untrusted certificate is refused: 503s whose logged detail and connection warning name the TLS problem', async () => {
    const warnings: string[] = [];
    const store = tlsStore({ onError: (m) => warnings.push(m), redisOptions: { connectTimeout: 1000 } });
    const error = await store.get('x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    const problem = /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/;
    expect((error as StoreUnavailableError).detail).toMatch(problem);
    expect(warnings.join('\n')).toMatch(problem);
    expect(warnings.join('\n')).not.toContain(String(redis.port));
  });

  it("the package's command on REDIS_URL=rediss://: a try-on completes, its state in Redis under the prefix", async () => {
    const garments = await startGarmentHost();
    const endpoint = await startEndpointProcess(
      {
        TRYON_PROVIDER: 'demo',
        REDIS_URL: redis.url,
        TRYON_REDIS_PREFIX: 'tls-shop',
        TRYON_SECRET: 'tls-test-secret-0123456789abcdef0123',
        TRYON_DEV_ALLOW_LOOPBACK: '1',
        TRYON_GARMENT_HOSTS: garments.host,
      },
      { caFile: certificate.certPath },
    );
    try {
      const form = new FormData();
      form.set('photo', new Blob([new Uint8Array(photoPng)]), 'photo.png');
      form.set('garment', garments.url('shirt'));
      form.set('category', 'top');
      form.set('consent', 'v1');
      const submit = await fetch(`${endpoint.url}/jobs`, { method: 'POST', body: form });
      expect(submit.status, endpoint.output()).toBe(202);
      const { job } = (await submit.json()) as { job: string };
      const poll = await fetch(`${endpoint.url}/jobs/${job}`);
      expect(poll.status).toBe(200);
      const client = await tlsStore({ redisOptions: { tls: { ca: readFileSync(certificate.certPath) } } }).connection();
      const keys = await (client as unknown as { keys(p: string): Promise<string[]> }).keys('tls-shop:*');
      expect(keys.some((k) => k.startsWith('tls-shop:photo:'))).toBe(true);
      expect(keys.some((k) => k.startsWith('tls-shop:status:'))).toBe(true);
      expect(endpoint.logs.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await endpoint.close();
      await garments.close();
    }
  });
});
