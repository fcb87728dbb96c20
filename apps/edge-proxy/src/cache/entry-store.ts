import type { EdgeMetrics } from '../observability/edge-metrics';
import { retentionMs } from './http-semantics';
import type { LanguageVariants } from './language-variants';
import type { CacheEntry } from './store/cache-entry';
import type { TieredCache } from './store/tiered-cache';

/** Stores an answer in both tiers under its variant key, and remembers what its primary key varies by (and the variant's language). */
export type StoreEntry = (key: string, primary: string, entry: CacheEntry) => void;

export function createEntryStore(cache: TieredCache, metrics: EdgeMetrics, languages: LanguageVariants): StoreEntry {
  return (key, primary, entry) => {
    const retention = retentionMs(entry);
    cache.setVary(primary, entry.vary, retention);
    cache.set(key, entry, retention);
    languages.remember(key, primary, entry);
    metrics.cacheStores.inc();
  };
}
