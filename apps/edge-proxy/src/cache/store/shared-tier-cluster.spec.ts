/** The shared tier on a real Redis Cluster: three masters with a replica each, started with --cluster-enabled yes. */
import keySlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { useRedisCluster } from '../../../test/redis-cluster-fixture';
import { encodeEntry } from './entry-codec';
import { sharedKeys } from './shared-keys';

const none = { urls: [], prefixes: [], tags: [] };
const redis = useRedisCluster();

/** Every key of the namespace, on every master, with the master that holds it. */
async function storedKeys(namespace: string): Promise<{ key: string; master: string }[]> {
  const found: { key: string; master: string }[] = [];
  for (const master of redis.raw.masters) {
    const client = await redis.raw.nodeClient(master);
    for (const key of await client.keys(`${namespace}:*`)) found.push({ key, master: master.address });
  }
  return found;
}

describe('shared tier on a Redis Cluster', () => {
  it('stores and reads entries spread over three masters', async () => {
    const [a, b] = [await redis.connectedTier('spread'), await redis.connectedTier('spread')];
    const keys = sharedKeys('spread');
    const urls = Array.from({ length: 60 }, (_, i) => `/cdn/spread/${i}`);
    await Promise.all(urls.map((url) => a.set(url, cacheEntry({ body: Buffer.from(`body of ${url}`), tags: ['all'] }), 60_000)));
    for (const url of urls) expect((await b.get(url))?.body.toString()).toBe(`body of ${url}`);
    expect(new Set(urls.map((url) => redis.masterOf(keys.entry(url)))).size).toBe(3);
    // The same binary frame as on one server: the body plus a small header, no JSON or base64 around it.
    expect(await redis.raw.strLen(keys.entry(urls[0]))).toBe(encodeEntry(cacheEntry({ body: Buffer.from(`body of ${urls[0]}`), tags: ['all'] })).length);
    expect((await b.getWithTtl(urls[1]))!.remainingMs).toBeGreaterThan(59_000);
  });

  it('variants of one URL live in one slot', async () => {
    const [a, b] = [await redis.connectedTier('variants'), await redis.connectedTier('variants')];
    const primary = '/cdn/page?lang={x}';
    await a.setVary(primary, ['accept-encoding'], 60_000);
    await a.set(`${primary}\u0000gzip`, cacheEntry({ tags: ['t1'] }), 60_000);
    await b.set(`${primary}\u0000br`, cacheEntry({ tags: ['t2'] }), 60_000);
    await b.set(`${primary}\u0000\u0001`, cacheEntry(), 60_000);
    await a.set('/cdn/other', cacheEntry(), 60_000);

    const ofPrimary = (await storedKeys('variants')).filter(({ key }) => key.includes(`{${primary}}`));
    // Three entries, the set listing them and the vary memo: one slot, one master.
    expect(ofPrimary).toHaveLength(5);
    expect(new Set(ofPrimary.map(({ key }) => keySlot(key))).size).toBe(1);
    expect(new Set(ofPrimary.map(({ master }) => master)).size).toBe(1);
    expect(await b.getVary(primary)).toEqual(['accept-encoding']);

    // So one script deletes them all atomically, whichever edge wrote them.
    expect(await b.deletePrimaries([primary, '/cdn/none'])).toBe(3);
    expect(await a.get(`${primary}\u0000gzip`)).toBeUndefined();
    expect(await a.get('/cdn/other')).toBeDefined();
  });

  it('purges by URL, prefix and tag across every master', async () => {
    const [a, b] = [await redis.connectedTier('purge'), await redis.connectedTier('purge')];
    const keys = sharedKeys('purge');
    const images = Array.from({ length: 30 }, (_, i) => `/cdn/img/${i}.png`);
    const styles = Array.from({ length: 30 }, (_, i) => `/cdn/css/${i}.css`);
    const kept = Array.from({ length: 10 }, (_, i) => `/cdn/keep/${i}`);
    await Promise.all([
      ...images.map((url, i) => (i % 2 ? a : b).set(url, cacheEntry({ tags: ['images'] }), 60_000)),
      ...images.slice(0, 5).map((url) => a.set(`${url}\u0000webp`, cacheEntry({ tags: ['images'] }), 60_000)),
      ...styles.map((url) => b.set(url, cacheEntry({ tags: ['styles'] }), 60_000)),
      ...kept.map((url) => a.set(url, cacheEntry({ tags: ['images-not'] }), 60_000)),
    ]);
    // The tag's entries, and the prefix's, sit on every master.
    expect(new Set(images.map((url) => redis.masterOf(keys.entry(url)))).size).toBe(3);
    expect(new Set(styles.map((url) => redis.masterOf(keys.entry(url)))).size).toBe(3);

    expect(await a.purge({ ...none, urls: [images[0]] }, false, 5_000)).toBe(2);
    expect(await a.purge({ ...none, tags: ['images'] }, false, 5_000)).toBe(33);
    expect(await b.purge({ ...none, prefixes: ['/cdn/css/'] }, false, 5_000)).toBe(30);
    for (const url of [...images, `${images[1]}\u0000webp`, ...styles]) expect(await b.get(url)).toBeUndefined();
    for (const url of kept) expect(await b.get(url)).toBeDefined();
    expect(await b.purge({ urls: [images[0]], prefixes: ['/cdn/css/'], tags: ['images'] }, false, 5_000)).toBe(0);
  });

  it('soft-purges by prefix and tag on every master, keeping each entry\'s ttl', async () => {
    const [a, b] = [await redis.connectedTier('soft'), await redis.connectedTier('soft')];
    const keys = sharedKeys('soft');
    const urls = Array.from({ length: 30 }, (_, i) => `/cdn/news/${i}`);
    await Promise.all(urls.map((url, i) => a.set(url, cacheEntry({ tags: i < 10 ? ['front'] : [] }), 60_000)));
    await a.set('/cdn/sport/1', cacheEntry({ tags: ['front'] }), 60_000);
    await a.set('/cdn/weather', cacheEntry(), 60_000);
    expect(await b.purge({ ...none, prefixes: ['/cdn/news/'], tags: ['front'] }, true, 7_777)).toBe(31);
    for (const url of [...urls, '/cdn/sport/1']) expect((await a.get(url))?.invalidatedAt).toBe(7_777);
    expect((await a.get('/cdn/weather'))?.invalidatedAt).toBeUndefined();
    expect(await redis.raw.pTTL(keys.entry(urls[29]))).toBeGreaterThan(55_000);
  });

  it('scans every master for a prefix holding more than one batch', async () => {
    const [a, b] = [await redis.connectedTier('many'), await redis.connectedTier('many')];
    for (let i = 0; i < 3_000; i += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, j) => a.set(`/cdn/many/${i + j}`, cacheEntry(), 60_000)));
    }
    expect(await b.purge({ ...none, prefixes: ['/cdn/many/'] }, false, 9_000)).toBe(3_000);
    expect(await storedKeys('many').then((found) => found.filter(({ key }) => key.startsWith('many:entry:')))).toEqual([]);
  });
});
