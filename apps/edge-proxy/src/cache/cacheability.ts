import type { IncomingHttpHeaders } from 'node:http';

/** What the cache does with one request; also the value of the X-Cache header once decided. */
export type CacheMode = 'LOOKUP' | 'BYPASS';

/** The cache key: path and query exactly as the client sent them. */
export function cacheKey(url: string): string {
  return url;
}

/**
 * Only plain GETs go through this first cache. A request with credentials is never shared between
 * clients (RFC 9111 §3.5), so it bypasses the cache altogether.
 */
export function requestCacheMode(cacheOn: boolean, method: string | undefined, headers: IncomingHttpHeaders): CacheMode {
  if (!cacheOn || method !== 'GET' || headers.authorization !== undefined) return 'BYPASS';
  return 'LOOKUP';
}

function hasDirective(cacheControl: string, directive: string): boolean {
  for (const part of cacheControl.split(',')) {
    const name = part.split('=', 1)[0].trim().toLowerCase();
    if (name === directive) return true;
  }
  return false;
}

/**
 * Whether a node's answer to a GET may be kept: a 200 that is not private to one client and
 * announces no body beyond the per-object limit (a body without length is checked while it streams).
 */
export function isStorableResponse(status: number | undefined, headers: IncomingHttpHeaders, maxEntryBytes: number): boolean {
  if (status !== 200) return false;
  if (headers['set-cookie'] !== undefined) return false;
  if (headers.vary?.trim() === '*') return false;
  const cacheControl = headers['cache-control'];
  if (cacheControl !== undefined && (hasDirective(cacheControl, 'no-store') || hasDirective(cacheControl, 'private'))) return false;
  const length = headers['content-length'];
  if (length !== undefined && Number(length) > maxEntryBytes) return false;
  return true;
}

/** The Age header value, in whole seconds, of an entry stored at `storedAt`. */
export function ageSeconds(storedAt: number, now: number): number {
  return Math.max(0, Math.floor((now - storedAt) / 1000));
}
