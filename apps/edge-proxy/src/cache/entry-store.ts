import type { EdgeMetrics } from '../observability/edge-metrics';
import { combinePartials, isStrongTag, type PartialEntry, retentionMs } from './http-semantics';
import type { LanguageVariants } from './language-variants';
import type { CacheEntry } from './store/cache-entry';
import type { TieredCache } from './store/tiered-cache';

/** Stores an answer in both tiers under its variant key, and remembers what its primary key varies by (and the variant's language). */
export type StoreEntry = (key: string, primary: string, entry: CacheEntry) => void;

export function createEntryStore(cache: TieredCache, metrics: EdgeMetrics, languages: LanguageVariants): StoreEntry {
  /**
   * What a 206 makes of the entry this edge holds for its key. Of the same representation (strong ETag), it
   * adds nothing to a complete entry (undefined: keep that), and it extends a partial one it touches
   * (RFC 9111 §3.4), into a complete 200 once nothing is missing. Otherwise it replaces it like any answer.
   */
  function extended(key: string, entry: PartialEntry): CacheEntry | undefined {
    const older = cache.getMemory(key);
    if (older === undefined || entry.etag === undefined || !isStrongTag(entry.etag) || older.etag !== entry.etag) return entry;
    if (older.partial === undefined) return undefined;
    const combined = combinePartials(older as PartialEntry, entry);
    if (combined === undefined || combined.body.length > cache.memory.maxEntryBytes) return entry;
    return combined;
  }

  return (key, primary, answer) => {
    const entry = answer.partial === undefined ? answer : extended(key, answer as PartialEntry);
    if (entry === undefined) return;
    if (answer.partial !== undefined) metrics.partialContent.inc({ result: entry.partial === undefined ? 'completed' : 'stored' });
    const retention = retentionMs(entry);
    cache.setVary(primary, entry.vary, retention);
    cache.set(key, entry, retention);
    languages.remember(key, primary, entry);
    metrics.cacheStores.inc();
  };
}
