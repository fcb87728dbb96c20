import type { CacheEntry } from './cache-entry';
import type { MemoryTier } from './memory-tier';
import type { PurgeMatch } from './purge-match';
import type { SharedTier } from './shared-tier';

/** L1 (this edge's memory) in front of L2 (Redis, shared by all edges). */
export interface TieredCache {
  readonly memory: MemoryTier;
  readonly shared: SharedTier | undefined;
  /** L1 only, synchronous: the hit path. */
  getMemory(key: string): CacheEntry | undefined;
  /** L2 lookup after an L1 miss; an L2 hit fills L1 (with the remaining retention). */
  getShared(key: string): Promise<CacheEntry | undefined>;
  /** Writes L1 and (without awaiting) L2. */
  set(key: string, entry: CacheEntry, ttlMs: number): void;
  /** L1's knowledge of the vary header names of a primary key. */
  varyOf(primary: string): readonly string[] | undefined;
  /** L2's knowledge (learnt by any edge); fills L1's memo when found. */
  sharedVaryOf(primary: string): Promise<readonly string[] | undefined>;
  setVary(primary: string, vary: readonly string[], ttlMs: number): void;
  /** L1's memo of the languages stored for a primary key (language → Accept-Language in key form). */
  languagesOf(primary: string): ReadonlyMap<string, string> | undefined;
  /** L2's memo (every edge's stores); merged into L1's when found. */
  sharedLanguagesOf(primary: string): Promise<ReadonlyMap<string, string> | undefined>;
  addLanguage(primary: string, language: string, acceptLanguage: string, ttlMs: number): void;
  /** Invalidation after an unsafe method: L1 and L2; resolves the entries deleted in both tiers together. */
  invalidate(primaries: readonly string[]): Promise<number>;
  /** This edge's L1 only (every edge runs it on a purge). */
  purgeMemory(match: PurgeMatch, soft: boolean, now: number): number;
  /** L2 only (one edge runs it per purge); 0 without a shared tier. */
  purgeShared(match: PurgeMatch, soft: boolean, now: number): Promise<number>;
  close(): Promise<void>;
}

export interface TieredCacheOptions {
  memory: MemoryTier;
  shared?: SharedTier;
  /** The edge clock; each tier already keeps its own time, so this is only part of the contract for callers. */
  now: () => number;
}

export function createTieredCache(options: TieredCacheOptions): TieredCache {
  const { memory, shared } = options;
  return {
    memory,
    shared,
    getMemory: (key) => memory.get(key),
    getShared: async (key) => {
      if (!shared) return undefined;
      const hit = await shared.getWithTtl(key);
      if (!hit) return undefined;
      // Kept in L1 only as long as Redis keeps it, so both tiers forget it together.
      if (hit.remainingMs > 0) memory.set(key, hit.entry, hit.remainingMs);
      return hit.entry;
    },
    set: (key, entry, ttlMs) => {
      memory.set(key, entry, ttlMs);
      // Not awaited: the shared tier never rejects, and the response must not wait for Redis.
      void shared?.set(key, entry, ttlMs);
    },
    varyOf: (primary) => memory.varyOf(primary),
    sharedVaryOf: async (primary) => {
      const vary = await shared?.getVary(primary);
      if (vary) memory.setVary(primary, vary);
      return vary;
    },
    setVary: (primary, vary, ttlMs) => {
      memory.setVary(primary, vary);
      void shared?.setVary(primary, vary, ttlMs);
    },
    languagesOf: (primary) => memory.languagesOf(primary),
    sharedLanguagesOf: async (primary) => {
      const languages = await shared?.getLanguages(primary);
      if (languages) for (const [language, acceptLanguage] of languages) memory.addLanguage(primary, language, acceptLanguage);
      return languages;
    },
    addLanguage: (primary, language, acceptLanguage, ttlMs) => {
      memory.addLanguage(primary, language, acceptLanguage);
      void shared?.addLanguage(primary, language, acceptLanguage, ttlMs);
    },
    invalidate: async (primaries) => {
      const fromMemory = memory.deletePrimaries(primaries);
      const fromShared = shared ? await shared.deletePrimaries(primaries) : 0;
      return fromMemory + fromShared;
    },
    purgeMemory: (match, soft, now) => memory.purge(match, soft, now),
    purgeShared: async (match, soft, now) => (shared ? shared.purge(match, soft, now) : 0),
    close: async () => {
      memory.clear();
      await shared?.close();
    },
  };
}
