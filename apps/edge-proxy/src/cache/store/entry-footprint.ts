import type { CacheEntry } from './cache-entry';

/**
 * What one entry of the memory tier really costs, so that --cache-max-bytes bounds the process's memory
 * and not only the bodies. Measured with scripts/measure-cache-memory.mjs (node --expose-gc) on Node 20,
 * x64, as the growth of the JS heap, off-heap buffers and RSS per entry:
 *
 * - ENTRY_OVERHEAD: on the JS heap, the entry object, the LRU's slots and key map, the primary-key index,
 *   the vary memo, and the ArrayBuffer and Buffer objects of the body (about 640 bytes);
 * - BODY_OVERHEAD: outside it, what a body's own ArrayBuffer costs besides its bytes (V8's backing store
 *   record, malloc's header and rounding): 230-350 bytes, seen only in the RSS;
 * - STRING_OVERHEAD: each header name or value, tag and key string beyond its characters (V8's string
 *   header and alignment, its array slot).
 */
export const ENTRY_OVERHEAD = 640;
export const BODY_OVERHEAD = 256;
export const STRING_OVERHEAD = 24;

/** A body's own memory may be this much larger than the body before it is copied into memory of its own. */
const SLACK_BYTES = 512;
const EMPTY_BODY = Buffer.alloc(0);
const NO_STRINGS: readonly string[] = Object.freeze([]);

/** The bytes an entry stored under `key` holds in memory. */
export function entryFootprint(key: string, entry: CacheEntry): number {
  let size = ENTRY_OVERHEAD + key.length + STRING_OVERHEAD + (entry.body.length === 0 ? 0 : BODY_OVERHEAD + entry.body.length);
  for (const part of entry.headers) size += part.length + STRING_OVERHEAD;
  for (const part of entry.edgeOnlyHeaders) size += part.length + STRING_OVERHEAD;
  for (const tag of entry.tags) size += tag.length + STRING_OVERHEAD;
  for (const name of entry.vary) size += name.length + STRING_OVERHEAD;
  // etag and lastModified are the same strings as their headers': nothing more to count.
  return size;
}

/**
 * The entry as the memory tier keeps it: every field in one fixed shape (entries made by spreading objects
 * carry a second property store), shared empty lists, and a body that holds no more memory than its bytes.
 * A small Buffer is often a view into something larger that it keeps alive: an 8 KiB slab of Node's
 * Buffer pool (Buffer.concat of a body that came in chunks), or a Redis reply holding the entry's metadata.
 */
export function compactEntry(entry: CacheEntry): CacheEntry {
  return {
    status: entry.status,
    headers: entry.headers,
    edgeOnlyHeaders: entry.edgeOnlyHeaders.length === 0 ? NO_STRINGS : entry.edgeOnlyHeaders,
    body: compactBody(entry.body),
    nodeId: entry.nodeId,
    requestTime: entry.requestTime,
    responseTime: entry.responseTime,
    initialAge: entry.initialAge,
    freshnessLifetime: entry.freshnessLifetime,
    staleWhileRevalidate: entry.staleWhileRevalidate,
    staleIfError: entry.staleIfError,
    mustRevalidate: entry.mustRevalidate,
    noCache: entry.noCache,
    etag: entry.etag,
    lastModified: entry.lastModified,
    tags: entry.tags.length === 0 ? NO_STRINGS : entry.tags,
    vary: entry.vary.length === 0 ? NO_STRINGS : entry.vary,
    invalidatedAt: entry.invalidatedAt,
    partial: entry.partial,
  };
}

function compactBody(body: Buffer): Buffer {
  if (body.length === 0) return EMPTY_BODY;
  if (body.buffer.byteLength - body.length <= Math.max(SLACK_BYTES, body.length >> 3)) return body;
  // allocUnsafeSlow: memory of its own; Buffer.from or allocUnsafe would take a slice of the pool again.
  const own = Buffer.allocUnsafeSlow(body.length);
  body.copy(own);
  return own;
}
