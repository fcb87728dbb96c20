/** One real redis-server per spec file, the shared tiers the file opens on it, and their teardown. */
import { createClient } from '@redis/client';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { eventually } from '../../../test/support/ports';
import { startRedis, stopAll } from '../../../test/support/processes';
import { createSharedTier, type SharedTier } from '../src/cache/store/shared-tier';

export interface RedisFixture {
  /** redis:// URL of the file's redis-server (valid once beforeAll has run). */
  readonly url: string;
  /** A plain client on it, to look at what the tiers stored. */
  readonly raw: ReturnType<typeof createClient>;
  /** A shared tier on that Redis with a silent logger, closed after the file; it connects in the background. */
  sharedTier(namespace: string): SharedTier;
  /** The same, once it is connected. */
  connectedTier(namespace: string): Promise<SharedTier>;
  /** Closes something else (a tiered cache, say) after the file, before Redis stops. */
  closeAfterAll<T extends { close(): Promise<void> }>(closable: T): T;
}

/** Call at the top of a spec file: registers the beforeAll that starts Redis and the afterAll that stops it. */
export function useRedis(): RedisFixture {
  const logger = pino({ level: 'silent' });
  const closables: { close(): Promise<void> }[] = [];
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  let raw: ReturnType<typeof createClient> | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    raw = createClient({ url: redis.url });
    await raw.connect();
  });

  afterAll(async () => {
    await Promise.all(closables.map((closable) => closable.close()));
    await raw?.close();
    await stopAll();
  });

  const started = () => {
    if (!redis || !raw) throw new Error('Redis is not started yet: use the fixture inside tests or hooks');
    return { redis, raw };
  };
  const closeAfterAll = <T extends { close(): Promise<void> }>(closable: T): T => {
    closables.push(closable);
    return closable;
  };
  const sharedTier = (namespace: string) => closeAfterAll(createSharedTier({ url: started().redis.url, logger, namespace }));

  return {
    get url() {
      return started().redis.url;
    },
    get raw() {
      return started().raw;
    },
    sharedTier,
    connectedTier: async (namespace) => {
      const tier = sharedTier(namespace);
      await eventually(() => tier.available, 5_000);
      return tier;
    },
    closeAfterAll,
  };
}
