import { LRUCache } from 'lru-cache';
import type { CachedResponse, ResponseCache } from './response-cache';

export const DEFAULT_MAX_CACHE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024;

export interface MemoryCacheOptions {
  /** Time to live of every entry, in seconds; 0 stores nothing. */
  ttlSeconds: number;
  maxBytes?: number;
  maxEntryBytes?: number;
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
}

/** An in-memory LRU bounded by bytes, with a TTL. */
export function createMemoryCache(options: MemoryCacheOptions): ResponseCache {
  const maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const ttl = options.ttlSeconds * 1000;
  const lru = new LRUCache<string, CachedResponse>({
    maxSize: options.maxBytes ?? DEFAULT_MAX_CACHE_BYTES,
    maxEntrySize: maxEntryBytes,
    sizeCalculation: (entry) => Math.max(1, entry.size),
    ttl: ttl > 0 ? ttl : undefined,
    // Resolve time on every check: an injected clock must be read, not a value cached for a millisecond.
    ttlResolution: 0,
    perf: options.now ? { now: options.now } : undefined,
  });
  return {
    get: (key) => lru.get(key),
    set: (key, entry) => {
      if (ttl <= 0 || entry.size > maxEntryBytes) return false;
      lru.set(key, entry);
      return lru.has(key);
    },
    delete: (key) => {
      lru.delete(key);
    },
    clear: () => lru.clear(),
    get entries() {
      return lru.size;
    },
    get bytes() {
      return lru.calculatedSize;
    },
    maxEntryBytes,
  };
}
