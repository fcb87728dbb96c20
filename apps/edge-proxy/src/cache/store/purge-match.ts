import type { CacheEntry } from './cache-entry';
import { primaryOf } from './variant-key';

/** What one purge request names: exact primary keys, primary-key prefixes and tags. */
export interface PurgeMatch {
  urls: readonly string[];
  prefixes: readonly string[];
  tags: readonly string[];
}

/** Whether an entry stored under `key` is hit by the purge: its primary key equals a url, starts with a prefix, or it carries a tag. */
export function matchesPurge(key: string, entry: Pick<CacheEntry, 'tags'>, match: PurgeMatch): boolean {
  const primary = primaryOf(key);
  return (
    match.urls.includes(primary) ||
    match.prefixes.some((prefix) => primary.startsWith(prefix)) ||
    (match.tags.length > 0 && entry.tags.some((tag) => match.tags.includes(tag)))
  );
}

/** True when the purge names nothing (callers skip the walk). */
export function isEmptyPurge(match: PurgeMatch): boolean {
  return match.urls.length === 0 && match.prefixes.length === 0 && match.tags.length === 0;
}
