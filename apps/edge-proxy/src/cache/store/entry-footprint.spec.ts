import { describe, expect, it } from 'vitest';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { BODY_OVERHEAD, compactEntry, ENTRY_OVERHEAD, entryFootprint, STRING_OVERHEAD } from './entry-footprint';

describe('entry footprint', () => {
  it('counts the body, every string with its overhead, and the measured per-entry overhead', () => {
    const entry = cacheEntry({ body: Buffer.alloc(1000), headers: ['content-type', 'text/plain'], tags: ['news'], etag: '"v1"' });
    // The etag is one of the header strings: counted once.
    const strings = ['/cdn/a', 'content-type', 'text/plain', 'news'];
    expect(entryFootprint('/cdn/a', entry)).toBe(ENTRY_OVERHEAD + BODY_OVERHEAD + 1000 + strings.reduce((sum, s) => sum + s.length + STRING_OVERHEAD, 0));
  });

  it('an empty body has no buffer of its own to count', () => {
    expect(entryFootprint('k', cacheEntry({ body: Buffer.alloc(0), headers: [] }))).toBe(ENTRY_OVERHEAD + 1 + STRING_OVERHEAD);
  });

  it('copies a small body out of the pooled slab it is a slice of, so the slab can be freed', () => {
    const pooled = Buffer.from('a small body');
    expect(pooled.buffer.byteLength).toBeGreaterThan(4096);
    const kept = compactEntry(cacheEntry({ body: pooled })).body;
    expect(kept.equals(pooled)).toBe(true);
    expect(kept.buffer.byteLength).toBe(pooled.length);
  });

  it('keeps a body that owns its memory, or nearly', () => {
    const own = Buffer.allocUnsafeSlow(100_000);
    expect(compactEntry(cacheEntry({ body: own })).body).toBe(own);
    const frame = Buffer.allocUnsafeSlow(100_400);
    const view = frame.subarray(400);
    expect(compactEntry(cacheEntry({ body: view })).body).toBe(view);
  });

  it('gives every entry one shape and shares empty lists', () => {
    const a = compactEntry({ ...cacheEntry(), tags: [], vary: [] });
    const b = compactEntry(cacheEntry({ tags: [], vary: [] }));
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(a.tags).toBe(b.vary);
  });
});
