import { LRUCache } from 'lru-cache';
import type { CacheEntry } from './cache-entry';
import { compactEntry, entryFootprint } from './entry-footprint';
import { isEmptyPurge, matchesPurge, type PurgeMatch } from './purge-match';
import { primaryOf } from './variant-key';

/** L1: this edge's entries in memory, synchronous so the hit path never awaits. */
export interface MemoryTier {
  get(key: string): CacheEntry | undefined;
  /** Stores (a compact copy) for at most ttlMs; false when the body is over the per-object limit or ttlMs <= 0. */
  set(key: string, entry: CacheEntry, ttlMs: number): boolean;
  delete(key: string): boolean;
  /** The vary header names last seen for a primary key (kept beside the entries; undefined when unknown). */
  varyOf(primary: string): readonly string[] | undefined;
  setVary(primary: string, vary: readonly string[]): void;
  /** Language tag → the Accept-Language (in key form) of a stored variant in that language, for a primary key (language-variants.ts). */
  languagesOf(primary: string): ReadonlyMap<string, string> | undefined;
  /** Remembers a stored variant's language; a primary key remembers at most MAX_LANGUAGES (the oldest goes). */
  addLanguage(primary: string, language: string, acceptLanguage: string): void;
  /** Deletes every variant of each primary key; returns how many entries went. */
  deletePrimaries(primaries: readonly string[]): number;
  /** Hard purge deletes matching entries; soft purge sets invalidatedAt = now on them. Returns the count affected. */
  purge(match: PurgeMatch, soft: boolean, now: number): number;
  clear(): void;
  readonly entries: number;
  /** What the entries hold in memory: bodies, headers and keys, and each entry's measured overhead (entry-footprint.ts). */
  readonly bytes: number;
  /** The largest body stored (--cache-max-object). */
  readonly maxEntryBytes: number;
}

export interface MemoryTierOptions {
  maxBytes: number;
  maxEntryBytes: number;
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
  /** How many primary keys' vary lists (and, apart, language memos) are remembered; default 100 000. */
  maxVaryMemos?: number;
}

/** A primary key with one variant (most: no Vary) keeps that key alone; a Set costs a hundred bytes more. */
type Variants = string | Set<string>;
const NO_VARY: readonly string[] = Object.freeze([]);
/** Languages remembered per primary key: a node sending a new Content-Language on every answer cannot grow the memo. */
export const MAX_LANGUAGES = 16;

export function createMemoryTier(options: MemoryTierOptions): MemoryTier {
  const { maxEntryBytes } = options;
  // primary → its variant keys, so invalidating a URL after a POST does not walk the whole cache.
  const variants = new Map<string, Variants>();
  const forget = (key: string) => {
    const primary = primaryOf(key);
    const keys = variants.get(primary);
    if (keys === undefined) return;
    if (typeof keys === 'string') {
      if (keys === key) variants.delete(primary);
      return;
    }
    keys.delete(key);
    if (keys.size === 1) variants.set(primary, keys.values().next().value!);
  };
  const lru = new LRUCache<string, CacheEntry>({
    maxSize: options.maxBytes,
    sizeCalculation: (entry, key) => entryFootprint(key, entry),
    // Resolve time on every check: an injected clock must be read, not a value cached for a millisecond.
    ttlResolution: 0,
    perf: options.now ? { now: options.now } : undefined,
    // A replaced value keeps its key; every other way out (evict, expire, delete) leaves the index too.
    dispose: (_entry, key, reason) => {
      if (reason !== 'set') forget(key);
    },
  });
  // Bounded on its own: a vary memo may outlive its entries (that is its point) but must not grow without end.
  const varyMemos = new LRUCache<string, readonly string[]>({ max: options.maxVaryMemos ?? 100_000 });
  const languageMemos = new LRUCache<string, Map<string, string>>({ max: options.maxVaryMemos ?? 100_000 });

  const remember = (key: string) => {
    const primary = primaryOf(key);
    const keys = variants.get(primary);
    if (keys === undefined || keys === key) variants.set(primary, key);
    else if (typeof keys === 'string') variants.set(primary, new Set([keys, key]));
    else keys.add(key);
  };
  const keysOf = (primary: string): string[] => {
    const keys = variants.get(primary);
    return keys === undefined ? [] : typeof keys === 'string' ? [keys] : [...keys];
  };

  return {
    get: (key) => lru.get(key),
    set: (key, entry, ttlMs) => {
      if (!(ttlMs > 0) || entry.body.length > maxEntryBytes) return false;
      lru.set(key, compactEntry(entry), { ttl: ttlMs });
      if (!lru.has(key)) return false;
      remember(key);
      return true;
    },
    delete: (key) => lru.delete(key),
    varyOf: (primary) => varyMemos.get(primary),
    setVary: (primary, vary) => {
      varyMemos.set(primary, vary.length === 0 ? NO_VARY : [...vary]);
    },
    languagesOf: (primary) => languageMemos.get(primary),
    addLanguage: (primary, language, acceptLanguage) => {
      const languages = languageMemos.get(primary);
      if (languages === undefined) return void languageMemos.set(primary, new Map([[language, acceptLanguage]]));
      // Full: the language remembered first goes (its variant is the likeliest to have expired).
      if (!languages.has(language) && languages.size >= MAX_LANGUAGES) languages.delete(languages.keys().next().value!);
      languages.set(language, acceptLanguage);
    },
    deletePrimaries: (primaries) => {
      let deleted = 0;
      for (const primary of primaries) {
        for (const key of keysOf(primary)) if (lru.delete(key)) deleted++;
      }
      return deleted;
    },
    purge: (match, soft, now) => {
      if (isEmptyPurge(match)) return 0;
      // A walk over every key: purges are admin operations, and a walk cannot drift out of step like an index can.
      const hits: string[] = [];
      for (const [key, entry] of lru.entries()) if (matchesPurge(key, entry, match)) hits.push(key);
      let affected = 0;
      for (const key of hits) {
        if (!soft) {
          if (lru.delete(key)) affected++;
          continue;
        }
        const entry = lru.peek(key);
        if (!entry) continue;
        affected++;
        // Already invalidated earlier: it has been stale since then, keep the earlier moment.
        if (entry.invalidatedAt !== undefined && entry.invalidatedAt <= now) continue;
        // A copy, not a mutation: a response being written from the old object is left as it was.
        const remaining = lru.getRemainingTTL(key);
        if (remaining > 0) lru.set(key, compactEntry({ ...entry, invalidatedAt: now }), { ttl: remaining });
      }
      return affected;
    },
    clear: () => {
      lru.clear();
      variants.clear();
      varyMemos.clear();
      languageMemos.clear();
    },
    get entries() {
      return lru.size;
    },
    get bytes() {
      return lru.calculatedSize;
    },
    maxEntryBytes,
  };
}
