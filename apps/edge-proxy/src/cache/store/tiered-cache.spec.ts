import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../../../test/support/ports';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { useRedis } from '../../../test/redis-fixture';
import { createMemoryTier } from './memory-tier';
import { createTieredCache, type TieredCache } from './tiered-cache';


const redis = useRedis();
let namespaces = 0;

/** Two edges: each its own memory, one shared Redis namespace. */
async function twoEdges(): Promise<[TieredCache, TieredCache]> {
  const namespace = `tc${++namespaces}`;
  const edge = async () => {
    const shared = await redis.connectedTier(namespace);
    return redis.closeAfterAll(createTieredCache({ memory: createMemoryTier({ maxBytes: 64 * 1024 * 1024, maxEntryBytes: 8 * 1024 * 1024 }), shared, now: Date.now }));
  };
  return [await edge(), await edge()];
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

describe('tiered cache', () => {
  it('serves an entry from L1, else from L2, and an L2 hit fills L1 for its remaining time', async () => {
    const [a, b] = await twoEdges();
    a.set('site/a', cacheEntry(), 30_000);
    expect(a.getMemory('site/a')).toBeDefined();
    await eventually(async () => (await b.shared!.get('site/a')) !== undefined, 2_000);

    expect(b.getMemory('site/a')).toBeUndefined();
    const fromShared = await b.getShared('site/a');
    expect(fromShared?.body.toString()).toBe('body');
    expect(b.getMemory('site/a')).toEqual(fromShared);
    expect(b.memory.entries).toBe(1);
  });

  it('misses in both tiers for an unknown key', async () => {
    const [a] = await twoEdges();
    expect(a.getMemory('nope')).toBeUndefined();
    expect(await a.getShared('nope')).toBeUndefined();
    expect(a.memory.entries).toBe(0);
  });

  it('works on memory alone without a shared tier', async () => {
    const cache = createTieredCache({ memory: createMemoryTier({ maxBytes: 1e6, maxEntryBytes: 1e5 }), now: Date.now });
    cache.set('k', cacheEntry(), 1_000);
    expect(cache.getMemory('k')).toBeDefined();
    expect(await cache.getShared('k')).toBeUndefined();
    expect(await cache.invalidate(['k'])).toBe(1);
    expect(await cache.purgeShared({ urls: ['k'], prefixes: [], tags: [] }, false, 0)).toBe(0);
    await cache.close();
  });

  it('shares vary names: L1 first, L2 learnt from another edge', async () => {
    const [a, b] = await twoEdges();
    a.setVary('site/v', ['accept-encoding'], 60_000);
    expect(a.varyOf('site/v')).toEqual(['accept-encoding']);
    expect(b.varyOf('site/v')).toBeUndefined();
    await eventually(async () => (await b.sharedVaryOf('site/v')) !== undefined, 2_000);
    expect(b.varyOf('site/v')).toEqual(['accept-encoding']);
  });

  it('invalidates both tiers after an unsafe method', async () => {
    const [a, b] = await twoEdges();
    a.set('site/p\u0000gzip', cacheEntry(), 60_000);
    a.set('site/p\u0000br', cacheEntry(), 60_000);
    await eventually(async () => (await b.getShared('site/p\u0000br')) !== undefined, 2_000);
    expect(await a.invalidate(['site/p'])).toBe(4); // two in a's memory, two in Redis
    expect(await b.getShared('site/p\u0000gzip')).toBeUndefined();
    expect(a.getMemory('site/p\u0000br')).toBeUndefined();
    // b's own memory is purged by the purge/invalidation broadcast, not by this call.
    expect(b.getMemory('site/p\u0000br')).toBeDefined();
  });

  it('purges memory and shared tiers separately', async () => {
    const [a, b] = await twoEdges();
    a.set('site/img/x', cacheEntry({ body: Buffer.from('x'), tags: ['img'] }), 60_000);
    await eventually(async () => (await b.getShared('site/img/x')) !== undefined, 2_000);
    const match = { urls: [], prefixes: [], tags: ['img'] };
    expect(await a.purgeShared(match, true, 123)).toBe(1);
    expect(a.purgeMemory(match, true, 123)).toBe(1);
    expect(b.purgeMemory(match, false, 123)).toBe(1);
    expect(a.getMemory('site/img/x')?.invalidatedAt).toBe(123);
    expect((await b.getShared('site/img/x'))?.invalidatedAt).toBe(123);
  });

  it('measures hit latency of L1 and L2 (printed, not asserted)', async () => {
    const [a, b] = await twoEdges();
    const body = randomBytes(10 * 1024);
    a.set('site/10k', cacheEntry({ body }), 600_000);
    await eventually(async () => (await b.shared!.get('site/10k')) !== undefined, 2_000);

    const l1: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const started = process.hrtime.bigint();
      a.getMemory('site/10k');
      l1.push(Number(process.hrtime.bigint() - started));
    }
    const l2: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      b.memory.clear();
      const started = process.hrtime.bigint();
      const hit = await b.getShared('site/10k');
      l2.push(Number(process.hrtime.bigint() - started));
      if (hit?.body.length !== body.length) throw new Error('L2 miss during the measurement');
    }
    console.log(
      `[latency] L1 getMemory median ${(median(l1) / 1e3).toFixed(2)} µs over 100000; ` +
        `L2 getShared (10 KiB, local redis-server, fills L1) median ${(median(l2) / 1e6).toFixed(3)} ms, ` +
        `p99 ${([...l2].sort((x, y) => x - y)[Math.floor(l2.length * 0.99)]! / 1e6).toFixed(3)} ms over 1000`,
    );
  });
});
