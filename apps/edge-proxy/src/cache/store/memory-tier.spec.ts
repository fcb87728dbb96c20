import { describe, expect, it } from 'vitest';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import type { CacheEntry } from './cache-entry';
import { entryFootprint } from './entry-footprint';
import { createMemoryTier } from './memory-tier';
import { variantKey } from './variant-key';

const entry = (bodyBytes = 100, tags: string[] = []): CacheEntry => cacheEntry({ body: Buffer.alloc(bodyBytes, 1), tags });

function fakeClock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

const none = { urls: [], prefixes: [], tags: [] };

describe('memory tier', () => {
  it('returns what it stored', () => {
    const tier = createMemoryTier({ maxBytes: 1e6, maxEntryBytes: 1e5 });
    const stored = entry();
    expect(tier.set('a', stored, 1_000)).toBe(true);
    expect(tier.get('a')).toEqual(stored);
    expect(tier.entries).toBe(1);
    expect(tier.bytes).toBe(entryFootprint('a', stored));
  });

  it('stays within its byte bound by evicting the least recently used', () => {
    const one = entryFootprint('a', entry(1_000));
    const tier = createMemoryTier({ maxBytes: one * 3, maxEntryBytes: one });
    for (const key of ['a', 'b', 'c']) tier.set(key, entry(1_000), 60_000);
    tier.get('a'); // b is now the least recently used
    tier.set('d', entry(1_000), 60_000);
    expect(tier.bytes).toBeLessThanOrEqual(one * 3);
    expect(tier.get('b')).toBeUndefined();
    expect(tier.get('a')).toBeDefined();
    expect(tier.get('d')).toBeDefined();
  });

  it('refuses an entry over the per-object limit, or with no time to live', () => {
    const tier = createMemoryTier({ maxBytes: 1e6, maxEntryBytes: 1_000 });
    expect(tier.set('big', entry(2_000), 60_000)).toBe(false);
    expect(tier.set('zero', entry(), 0)).toBe(false);
    expect(tier.set('negative', entry(), -5)).toBe(false);
    expect(tier.entries).toBe(0);
  });

  it('forgets an entry once its ttl has passed on the injected clock', () => {
    const clock = fakeClock();
    const tier = createMemoryTier({ maxBytes: 1e6, maxEntryBytes: 1e5, now: clock.now });
    tier.set('a', entry(), 1_000);
    clock.advance(999);
    expect(tier.get('a')).toBeDefined();
    clock.advance(2);
    expect(tier.get('a')).toBeUndefined();
  });

  it('deletes every variant of a primary key, and nothing else', () => {
    const tier = createMemoryTier({ maxBytes: 1e6, maxEntryBytes: 1e5 });
    const vary = ['accept-encoding'];
    tier.set(variantKey('site/a', vary, { 'accept-encoding': 'gzip' }), entry(), 60_000);
    tier.set(variantKey('site/a', vary, { 'accept-encoding': 'br' }), entry(), 60_000);
    tier.set('site/a', entry(), 60_000);
    tier.set('site/ab', entry(), 60_000);
    expect(tier.deletePrimaries(['site/a', 'site/none'])).toBe(3);
    expect(tier.entries).toBe(1);
    expect(tier.get('site/ab')).toBeDefined();
    expect(tier.deletePrimaries(['site/a'])).toBe(0);
  });

  it('does not find evicted variants when deleting a primary key', () => {
    const one = entryFootprint('a', entry(1_000));
    const tier = createMemoryTier({ maxBytes: one * 2, maxEntryBytes: one });
    tier.set('p\u0000x', entry(1_000), 60_000);
    tier.set('q', entry(1_000), 60_000);
    tier.set('r', entry(1_000), 60_000); // evicts p\0x
    expect(tier.deletePrimaries(['p'])).toBe(0);
  });

  it('remembers the vary names of a primary key', () => {
    const tier = createMemoryTier({ maxBytes: 1e6, maxEntryBytes: 1e5 });
    expect(tier.varyOf('site/a')).toBeUndefined();
    tier.setVary('site/a', ['accept-encoding']);
    expect(tier.varyOf('site/a')).toEqual(['accept-encoding']);
    tier.clear();
    expect(tier.varyOf('site/a')).toBeUndefined();
  });

  describe('purge', () => {
    function filled() {
      const clock = fakeClock();
      const tier = createMemoryTier({ maxBytes: 1e6, maxEntryBytes: 1e5, now: clock.now });
      tier.set('site/img/a.png', entry(100, ['images']), 60_000);
      tier.set('site/img/b.png\u0000gzip', entry(100, ['images', 'product-1']), 60_000);
      tier.set('site/css/c.css', entry(100, ['product-1']), 60_000);
      tier.set('site/index.html', entry(100), 60_000);
      return { tier, clock };
    }

    it('hard purge by url deletes every variant of that url', () => {
      const { tier, clock } = filled();
      expect(tier.purge({ ...none, urls: ['site/img/b.png'] }, false, clock.now())).toBe(1);
      expect(tier.get('site/img/b.png\u0000gzip')).toBeUndefined();
      expect(tier.entries).toBe(3);
    });

    it('hard purge by prefix and by tag', () => {
      const { tier, clock } = filled();
      expect(tier.purge({ ...none, prefixes: ['site/img/'] }, false, clock.now())).toBe(2);
      expect(tier.purge({ ...none, tags: ['product-1'] }, false, clock.now())).toBe(1);
      expect(tier.entries).toBe(1);
      expect(tier.get('site/index.html')).toBeDefined();
    });

    it('soft purge marks entries invalidated and keeps their remaining ttl', () => {
      const { tier, clock } = filled();
      clock.advance(10_000);
      expect(tier.purge({ ...none, tags: ['images'] }, true, clock.now())).toBe(2);
      expect(tier.get('site/img/a.png')!.invalidatedAt).toBe(clock.now());
      expect(tier.get('site/css/c.css')!.invalidatedAt).toBeUndefined();
      clock.advance(49_999);
      expect(tier.get('site/img/a.png')).toBeDefined();
      clock.advance(2);
      expect(tier.get('site/img/a.png')).toBeUndefined();
    });

    it('soft purge keeps an earlier invalidation and leaves the stored object untouched', () => {
      const { tier, clock } = filled();
      const before = tier.get('site/index.html')!;
      const first = clock.now();
      tier.purge({ ...none, urls: ['site/index.html'] }, true, first);
      clock.advance(5_000);
      expect(tier.purge({ ...none, urls: ['site/index.html'] }, true, clock.now())).toBe(1);
      expect(tier.get('site/index.html')!.invalidatedAt).toBe(first);
      expect(before.invalidatedAt).toBeUndefined();
    });

    it('soft-purged variants can still be deleted by primary key', () => {
      const { tier, clock } = filled();
      tier.purge({ ...none, prefixes: ['site/img/'] }, true, clock.now());
      expect(tier.deletePrimaries(['site/img/b.png'])).toBe(1);
    });

    it('a purge naming nothing touches nothing', () => {
      const { tier, clock } = filled();
      expect(tier.purge(none, false, clock.now())).toBe(0);
      expect(tier.entries).toBe(4);
    });
  });
});
