/** One real Redis Cluster per spec file (3 masters, 3 replicas unless told), the shared tiers the file opens on it, and their teardown. */
import { createCluster } from '@redis/client';
import keySlot from 'cluster-key-slot';
import pino, { type Logger } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { eventually } from '../../../test/support/ports';
import { stopAll } from '../../../test/support/processes';
import { type RedisCluster, type RedisClusterOptions, startRedisCluster } from '../../../test/support/redis-cluster';
import { createSharedTier, type SharedTier, type SharedTierOptions } from '../src/cache/store/shared-tier';

export type RawCluster = ReturnType<typeof createCluster>;

export interface RedisClusterFixture {
  /** The cluster (valid once beforeAll has run). */
  readonly cluster: RedisCluster;
  /** A plain cluster client on it, to look at what the tiers stored. */
  readonly raw: RawCluster;
  /** The master (host:port) that serves a key now, as the raw client sees it. */
  masterOf(key: string): string;
  /** A shared tier on the cluster with a silent logger (or the one given), closed after the file; it connects in the background. */
  sharedTier(namespace: string, options?: Partial<SharedTierOptions>): SharedTier;
  /** The same, once it is connected. */
  connectedTier(namespace: string, options?: Partial<SharedTierOptions>): Promise<SharedTier>;
}

/** Call at the top of a spec file: registers the beforeAll that starts the cluster and the afterAll that stops it. */
export function useRedisCluster(options: RedisClusterOptions = {}): RedisClusterFixture {
  const silent: Logger = pino({ level: 'silent' });
  const tiers: SharedTier[] = [];
  let cluster: RedisCluster | undefined;
  let raw: RawCluster | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster(options);
    raw = createCluster({ rootNodes: cluster.nodes.map((node) => ({ url: cluster!.urlOf(node.port) })) });
    raw.on('error', () => {}); // a killed master is the point of some tests
    await raw.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(tiers.map((tier) => tier.close()));
    raw?.destroy();
    await stopAll();
  });

  const started = () => {
    if (!cluster || !raw) throw new Error('the cluster is not started yet: use the fixture inside tests or hooks');
    return { cluster, raw };
  };
  const sharedTier = (namespace: string, overrides: Partial<SharedTierOptions> = {}) => {
    const tier = createSharedTier({ url: started().cluster.url, cluster: true, logger: silent, namespace, ...overrides });
    tiers.push(tier);
    return tier;
  };

  return {
    get cluster() {
      return started().cluster;
    },
    get raw() {
      return started().raw;
    },
    masterOf: (key) => started().raw.slots[keySlot(key)].master.address,
    sharedTier,
    connectedTier: async (namespace, overrides) => {
      const tier = sharedTier(namespace, overrides);
      await eventually(() => tier.available, 10_000);
      return tier;
    },
  };
}
