import { describe, expect, it } from 'vitest';
import { eventually } from '../../../../../test/support/ports';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { useRedis } from '../../../test/redis-fixture';

const none = { urls: [], prefixes: [], tags: [] };
const redis = useRedis();
let namespaces = 0;

/** Two edges sharing one Redis namespace, each having written half of the entries. */
async function twoEdges() {
  const namespace = `p${++namespaces}`;
  const [a, b] = [redis.sharedTier(namespace), redis.sharedTier(namespace)];
  await eventually(() => a.available && b.available, 5_000);
  await a.set('site/img/a.png', cacheEntry({ tags: ['images'] }), 60_000);
  await b.set('site/img/b.png\u0000gzip', cacheEntry({ tags: ['images', 'product-1'] }), 60_000);
  await b.set('site/img/b.png\u0000br', cacheEntry({ tags: ['images', 'product-1'] }), 60_000);
  await a.set('site/css/c.css', cacheEntry({ tags: ['product-1'] }), 60_000);
  await b.set('site/index.html', cacheEntry(), 60_000);
  return { a, b, namespace };
}

describe('shared tier purge', () => {
  it('hard purge by url deletes every variant, whichever edge wrote it', async () => {
    const { a, b } = await twoEdges();
    expect(await a.purge({ ...none, urls: ['site/img/b.png'] }, false, 5_000)).toBe(2);
    expect(await b.get('site/img/b.png\u0000gzip')).toBeUndefined();
    expect(await b.get('site/img/a.png')).toBeDefined();
  });

  it('hard purge by tag deletes the tagged entries of both edges', async () => {
    const { a, b, namespace } = await twoEdges();
    expect(await b.purge({ ...none, tags: ['product-1'] }, false, 5_000)).toBe(3);
    expect(await a.get('site/css/c.css')).toBeUndefined();
    expect(await a.get('site/img/a.png')).toBeDefined();
    expect(await redis.raw.exists(`${namespace}:tag:product-1`)).toBe(0);
    expect(await a.purge({ ...none, tags: ['product-1'] }, false, 5_000)).toBe(0);
  });

  it('hard purge by prefix deletes below the prefix only', async () => {
    const { a, b } = await twoEdges();
    expect(await a.purge({ ...none, prefixes: ['site/img/'] }, false, 5_000)).toBe(3);
    expect(await b.get('site/css/c.css')).toBeDefined();
    expect(await b.get('site/index.html')).toBeDefined();
  });

  it('counts an entry hit by several parts of one purge once', async () => {
    const { a } = await twoEdges();
    expect(await a.purge({ urls: ['site/img/a.png'], prefixes: ['site/img/'], tags: ['images'] }, false, 5_000)).toBe(3);
  });

  it('soft purge marks the entries of both edges invalidated and keeps their ttl', async () => {
    const { a, b, namespace } = await twoEdges();
    expect(await a.purge({ ...none, tags: ['images'], prefixes: ['site/css/'] }, true, 7_777)).toBe(4);
    for (const key of ['site/img/a.png', 'site/img/b.png\u0000gzip', 'site/img/b.png\u0000br', 'site/css/c.css']) {
      const read = await b.get(key);
      expect(read?.invalidatedAt).toBe(7_777);
      expect(read?.body.toString()).toBe('body');
    }
    expect((await b.get('site/index.html'))?.invalidatedAt).toBeUndefined();
    expect(await redis.raw.pTTL(`${namespace}:entry:{site/img/a.png}`)).toBeGreaterThan(55_000);
    // The entries stay findable by tag and url after a soft purge.
    expect(await b.purge({ ...none, urls: ['site/img/b.png'] }, false, 8_000)).toBe(2);
  });

  it('soft purge keeps an earlier invalidation', async () => {
    const { a, b } = await twoEdges();
    await a.purge({ ...none, urls: ['site/index.html'] }, true, 1_000);
    expect(await b.purge({ ...none, urls: ['site/index.html'] }, true, 2_000)).toBe(1);
    expect((await a.get('site/index.html'))?.invalidatedAt).toBe(1_000);
  });

  it('matches a prefix with glob characters literally', async () => {
    const { a, b } = await twoEdges();
    await a.set('site/[1]*/a', cacheEntry(), 60_000);
    await a.set('site/1x/a', cacheEntry(), 60_000);
    await a.set('site/[1]?/b', cacheEntry(), 60_000);
    await a.set('site/\\/c', cacheEntry(), 60_000);
    expect(await b.purge({ ...none, prefixes: ['site/[1]*'] }, false, 5_000)).toBe(1);
    expect(await a.get('site/1x/a')).toBeDefined();
    expect(await a.get('site/[1]?/b')).toBeDefined();
    expect(await b.purge({ ...none, prefixes: ['site/\\'] }, false, 5_000)).toBe(1);
    expect(await b.purge({ ...none, prefixes: ['site/[1]?'] }, false, 5_000)).toBe(1);
  });

  it('scans past one batch for a large prefix purge', async () => {
    const { a, b } = await twoEdges();
    for (let i = 0; i < 2_500; i += 250) {
      await Promise.all(Array.from({ length: 250 }, (_, j) => a.set(`site/many/${i + j}`, cacheEntry(), 60_000)));
    }
    expect(await b.purge({ ...none, prefixes: ['site/many/'] }, true, 9_000)).toBe(2_500);
    expect((await a.get('site/many/2499'))?.invalidatedAt).toBe(9_000);
    expect(await b.purge({ ...none, prefixes: ['site/many/'] }, false, 9_000)).toBe(2_500);
  });
});
