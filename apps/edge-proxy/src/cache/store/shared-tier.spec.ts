import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../../../test/support/ports';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { useRedis } from '../../../test/redis-fixture';
import type { CacheEntry } from './cache-entry';
import { encodeEntry } from './entry-codec';
import { MAX_LANGUAGES } from './memory-tier';

/** Non-ASCII header values and non-zero stale windows, so the Redis round trip carries them. */
function entry(body: Buffer = Buffer.from('hello'), tags: string[] = []): CacheEntry {
  return cacheEntry({
    headers: ['content-type', 'application/octet-stream', 'x-note', 'Grüße 🚀'],
    body,
    staleWhileRevalidate: 10,
    staleIfError: 100,
    etag: '"e1"',
    tags,
  });
}

const redis = useRedis();
let namespaces = 0;
const connectedTier = (namespace = `t${++namespaces}`) => redis.connectedTier(namespace);

describe('shared tier', () => {
  it('starts unavailable without blocking, and connects by itself', async () => {
    const tier = redis.sharedTier('start');
    expect(tier.available).toBe(false);
    expect(await tier.get('a')).toBeUndefined();
    await eventually(() => tier.available, 5_000);
  });

  it('round-trips a 1 MiB random body byte for byte, stored without inflation', async () => {
    const tier = await connectedTier('big');
    const body = randomBytes(1024 * 1024);
    await tier.set('site/big.bin', entry(body), 60_000);
    const read = await tier.get('site/big.bin');
    expect(read).toBeDefined();
    expect(read!.body.length).toBe(body.length);
    expect(read!.body.equals(body)).toBe(true);
    expect(read!.headers).toEqual(entry().headers);

    const stored = await redis.raw.strLen('big:entry:{site/big.bin}');
    const memory = Number(await redis.raw.sendCommand(['MEMORY', 'USAGE', 'big:entry:{site/big.bin}']));
    // The same bytes written bare, to tell framing overhead from jemalloc's size classes.
    await redis.raw.set('big:control', body);
    const control = Number(await redis.raw.sendCommand(['MEMORY', 'USAGE', 'big:control']));
    const overhead = (stored - body.length) / body.length;
    console.log(
      `[L2 storage] body ${body.length} B, STRLEN ${stored} B (+${stored - body.length} B, ${(overhead * 100).toFixed(3)} %), ` +
        `MEMORY USAGE ${memory} B (${(((memory - body.length) / body.length) * 100).toFixed(2)} %, includes allocator rounding; the bare body alone: ${control} B)`,
    );
    expect(stored).toBe(encodeEntry(entry(body)).length);
    expect(overhead).toBeLessThanOrEqual(0.05);
  });

  it('sets a Redis TTL from ttlMs, and index sets that live at least as long', async () => {
    const tier = await connectedTier('ttl');
    await tier.set('site/a', entry(Buffer.from('a'), ['t1']), 5_000);
    await tier.set('site/b', entry(Buffer.from('b'), ['t1']), 60_000);
    const entryTtl = await redis.raw.pTTL('ttl:entry:{site/a}');
    expect(entryTtl).toBeGreaterThan(4_000);
    expect(entryTtl).toBeLessThanOrEqual(5_000);
    expect(await redis.raw.pTTL('ttl:tag:t1')).toBeGreaterThan(59_000);
    expect(await redis.raw.pTTL('ttl:variants:{site/a}')).toBeGreaterThan(4_000);
    await tier.set('site/a', entry(Buffer.from('a'), ['t1']), 1_000); // a shorter entry does not shorten the index
    expect(await redis.raw.pTTL('ttl:tag:t1')).toBeGreaterThan(59_000);
  });

  it('reports the remaining ttl with a hit', async () => {
    const tier = await connectedTier();
    await tier.set('k', entry(), 30_000);
    const hit = await tier.getWithTtl('k');
    expect(hit!.remainingMs).toBeGreaterThan(29_000);
    expect(hit!.remainingMs).toBeLessThanOrEqual(30_000);
  });

  it('misses on absent keys and on frames it cannot read', async () => {
    const tier = await connectedTier('bad');
    expect(await tier.get('absent')).toBeUndefined();
    await redis.raw.set('bad:entry:{garbage}', 'this is not a frame');
    expect(await tier.get('garbage')).toBeUndefined();
  });

  it('stores nothing for a ttl of zero', async () => {
    const tier = await connectedTier('zero');
    await tier.set('k', entry(), 0);
    expect(await redis.raw.exists('zero:entry:{k}')).toBe(0);
  });

  it('shares vary names between edges', async () => {
    const [a, b] = [await connectedTier('vary'), await connectedTier('vary')];
    expect(await b.getVary('site/a')).toBeUndefined();
    await a.setVary('site/a', ['accept-encoding', 'accept-language'], 60_000);
    expect(await b.getVary('site/a')).toEqual(['accept-encoding', 'accept-language']);
    expect(await redis.raw.pTTL('vary:vary:{site/a}')).toBeGreaterThan(59_000);
  });

  it('shares the languages of a primary key\'s variants between edges, at most MAX_LANGUAGES, living as long as the longest', async () => {
    const [a, b] = [await connectedTier('lang'), await connectedTier('lang')];
    expect(await b.getLanguages('site/a')).toBeUndefined();
    await a.addLanguage('site/a', 'fr', 'fr', 60_000);
    await b.addLanguage('site/a', 'de', '\u0001', 5_000);
    expect(await a.getLanguages('site/a')).toEqual(new Map([['fr', 'fr'], ['de', '\u0001']]));
    expect(await redis.raw.pTTL('lang:languages:{site/a}')).toBeGreaterThan(59_000);
    for (let i = 0; i < MAX_LANGUAGES + 3; i++) await a.addLanguage('site/a', `x${i}`, 'x', 60_000);
    const languages = await b.getLanguages('site/a');
    expect(languages!.size).toBe(MAX_LANGUAGES);
    // A language already remembered is updated even when the memo is full.
    await a.addLanguage('site/a', 'fr', 'fr,en;q=0.5', 60_000);
    expect((await b.getLanguages('site/a'))!.get('fr')).toBe('fr,en;q=0.5');
  });

  it('deletes every variant of a primary key, whichever edge wrote them', async () => {
    const [a, b] = [await connectedTier('inv'), await connectedTier('inv')];
    await a.set('site/a\u0000gzip', entry(), 60_000);
    await b.set('site/a\u0000br', entry(), 60_000);
    await b.set('site/a', entry(), 60_000);
    await a.set('site/ab', entry(), 60_000);
    expect(await b.deletePrimaries(['site/a', 'site/none'])).toBe(3);
    expect(await a.get('site/a\u0000gzip')).toBeUndefined();
    expect(await a.get('site/ab')).toBeDefined();
    expect(await a.deletePrimaries(['site/a'])).toBe(0);
  });
});
