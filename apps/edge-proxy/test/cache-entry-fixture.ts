/** One cache entry for specs: a plain fresh 200 that varies by nothing; each spec overrides what it is about. */
import type { CacheEntry } from '../src/cache/store/cache-entry';

export function cacheEntry(overrides: Partial<CacheEntry> = {}): CacheEntry {
  return {
    status: 200,
    headers: ['content-type', 'text/plain'],
    edgeOnlyHeaders: [],
    body: Buffer.from('body'),
    nodeId: 'node-1',
    requestTime: 1_000,
    responseTime: 1_010,
    initialAge: 0,
    freshnessLifetime: 60,
    staleWhileRevalidate: 0,
    staleIfError: 0,
    mustRevalidate: false,
    noCache: false,
    etag: undefined,
    lastModified: undefined,
    tags: [],
    vary: [],
    invalidatedAt: undefined,
    ...overrides,
  };
}
