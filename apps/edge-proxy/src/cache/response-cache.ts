/** One stored answer, ready to be written back as it is. */
export interface CachedResponse {
  status: number;
  /** Flat `[name, value, name, value, ...]`, lower-case names, hop-by-hop and per-hop headers already removed. */
  headers: readonly string[];
  body: Buffer;
  /** The node that produced it (sent back as X-CDN-Node on a hit). */
  nodeId: string;
  /** When it was stored, in ms by the edge's clock (for the Age header). */
  storedAt: number;
  /** Bytes it occupies in the cache: body plus headers. */
  size: number;
}

/**
 * The edge's response cache. Kept this small on purpose: a later tier (RFC 9111 freshness, Redis,
 * purge, request coalescing) implements the same interface.
 */
export interface ResponseCache {
  /** A fresh entry, or undefined (expired entries are never returned). */
  get(key: string): CachedResponse | undefined;
  /** Stores unless the entry is over the per-object limit; returns whether it was stored. */
  set(key: string, entry: CachedResponse): boolean;
  delete(key: string): void;
  clear(): void;
  /** Number of entries held. */
  readonly entries: number;
  /** Bytes held (sum of entry sizes). */
  readonly bytes: number;
  /** The largest entry the cache accepts, in bytes; callers stop collecting a body beyond it. */
  readonly maxEntryBytes: number;
}
