/**
 * RedisStore on a Redis Cluster (TRYON_REDIS_CLUSTER=1): three masters on 127.0.0.1, started from
 * Debian's redis-server and joined with `redis-cli --cluster create`. The contract suite passes on
 * it, keys spread over every master (no hash tag pins them to one slot), and the endpoint, given
 * the cluster's seed nodes through the environment, runs try-ons with its limits, daily cap and
 * Idempotency-Key on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { RedisStore } from '../../../src/server/store/redis-store.ts';
import { resolveSettings } from '../../../src/server/settings.ts';
import { optionsFromEnv } from '../../../src/server/config.ts';
import { startRedisCluster, type TestCluster } from '../redis-server.ts';
import { storeContract } from './contract.ts';
import { errorOf, get, setup, submitRequest } from '../helpers.ts';

let cluster: TestCluster;
const stores: RedisStore[] = [];
const SECRET = 'cluster-test-secret-0123456789abcdef';

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  for (const store of stores) await store.close();
  await cluster?.destroy();
});

const clusterStore = (prefix = `tryon:${Math.random().toString(36).slice(2)}:`) => {
  const store = new RedisStore(cluster.url, { prefix, cluster: true });
  stores.push(store);
  return store;
};

storeContract('RedisStore on a three-master Redis Cluster', () => clusterStore());

describe('the endpoint on a Redis Cluster', () => {
  it('keys spread over all three masters', async () => {
    const store = clusterStore('tryon:spread:');
    for (let i = 0; i < 60; i++) await store.set(`status:p:${i}`, '{}', 60_000);
    const counts = cluster.nodes.map((n) =>
      Number(spawnSync('redis-cli', ['-p', String(n.port), 'dbsize'], { encoding: 'utf8' }).stdout.trim()),
    );
    expect(counts.every((n) => n > 0)).toBe(true);
  });

  it('REDIS_URL with seed nodes and TRYON_REDIS_CLUSTER=1: try-ons, one charge per Idempotency-Key, a daily cap shared by two instances', async () => {
    const env = {
      REDIS_URL: cluster.url,
      TRYON_REDIS_CLUSTER: '1',
      TRYON_REDIS_PREFIX: `tryon:c${Date.now()}`,
      TRYON_SECRET: SECRET,
      TRYON_DAILY_LIMIT: '3',
    };
    const options = optionsFromEnv(env);
    const settingsA = resolveSettings(options);
    const settingsB = resolveSettings(options);
    stores.push(settingsA.store as RedisStore, settingsB.store as RedisStore);
    // The counting adapter stands in for the provider; the store and limits are the environment's.
    const { provider: _demo, ...shared } = options;
    const a = setup({ ...shared, store: settingsA.store });
    const b = setup({ ...shared, store: settingsB.store }, a.adapter);
    const headers = { 'idempotency-key': 'cluster-retry-1' };
    const answers = await Promise.all([a.handler(submitRequest({}, { headers })), b.handler(submitRequest({}, { headers }))]);
    expect(answers.map((r) => r.status)).toEqual([202, 202]);
    const [ja, jb] = (await Promise.all(answers.map((r) => r.json()))) as Array<{ job: string; photoRef: string }>;
    expect(jb!.job).toBe(ja!.job);
    expect(a.adapter.submits).toHaveLength(1);
    // The job polls on the other instance; the photoRef from one is accepted by the other.
    expect((await b.handler(get(`/jobs/${ja!.job}`))).status).toBe(200);
    expect((await b.handler(submitRequest({ photoRef: ja!.photoRef }))).status).toBe(202);
    expect((await a.handler(submitRequest())).status).toBe(202);
    const refused = await b.handler(submitRequest());
    expect(await errorOf(refused)).toMatchObject({ status: 429, code: 'daily_limit_reached' });
    expect(a.adapter.submits).toHaveLength(3);
    // Everything under the deployment's prefix, spread over the masters.
    const keys = cluster.nodes.flatMap((n) =>
      spawnSync('redis-cli', ['-p', String(n.port), '--scan', '--pattern', `${env.TRYON_REDIS_PREFIX}:*`], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean),
    );
    expect(keys.some((k) => k.includes(':photo:'))).toBe(true);
    expect(keys.some((k) => k.includes(':idem:'))).toBe(true);
  });
});
