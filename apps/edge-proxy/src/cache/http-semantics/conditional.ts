import type { IncomingHttpHeaders } from 'node:http';
import type { CacheEntry } from '../store/cache-entry';
import { isWildcard, listMatchesWeakly, opaqueTag } from './entity-tags';
import { flatHeader, flatToHeaders, headerValue } from './header-values';
import { formatHttpDate, parseHttpDate } from './http-date';
import { isHopByHop } from '../../http/hop-by-hop';
import { decideStorage, type StoreOptions } from './storability';
import { edgeOnlyHeaders, toStoredHeaders } from './stored-headers';

/** Headers a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5), plus Last-Modified. */
const NOT_MODIFIED_HEADERS: readonly string[] = ['etag', 'last-modified', 'cache-control', 'expires', 'vary', 'content-location', 'date'];

/**
 * A client's If-None-Match (weak comparison, lists, "*") or, when absent, If-Modified-Since (against
 * Last-Modified, else the entry's Date) evaluated against a usable cached entry (RFC 9110 §13.2.2).
 * 'not-modified' means answer 304. Only GET/HEAD of a 2xx entry can be answered so.
 */
export function evaluateClientConditional(method: string, headers: IncomingHttpHeaders, entry: CacheEntry): 'not-modified' | 'send' {
  if ((method !== 'GET' && method !== 'HEAD') || entry.status < 200 || entry.status > 299) return 'send';
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (isWildcard(ifNoneMatch)) return 'not-modified';
    if (entry.etag === undefined) return 'send';
    return listMatchesWeakly(ifNoneMatch, entry.etag) ? 'not-modified' : 'send';
  }
  const since = parseHttpDate(headerValue(headers, 'if-modified-since'));
  if (since === undefined) return 'send';
  const modified = parseHttpDate(entry.lastModified ?? flatHeader(entry.headers, 'date'));
  if (modified === undefined) return 'send';
  return modified <= since ? 'not-modified' : 'send';
}

/** Headers for revalidating a stale entry with the node; empty when it has no validator. */
export function revalidationHeaders(entry: CacheEntry): Record<string, string> {
  const headers: Record<string, string> = {};
  if (entry.etag !== undefined) headers['if-none-match'] = entry.etag;
  if (entry.lastModified !== undefined) headers['if-modified-since'] = entry.lastModified;
  return headers;
}

/** Flat headers of a 304 for a client, taken from the entry's stored headers. */
export function notModifiedHeaders(entry: CacheEntry): string[] {
  const flat: string[] = [];
  const stored = entry.headers;
  for (let i = 0; i < stored.length; i += 2) {
    if (NOT_MODIFIED_HEADERS.includes(stored[i])) flat.push(stored[i], stored[i + 1]);
  }
  return flat;
}

/**
 * Freshens an entry with a node's 304 (RFC 9111 §4.3.4, §3.2): the 304's headers replace the stored
 * ones (except Content-Length and hop-by-hop), freshness and age are recomputed from the merged
 * headers, the body is kept. Undefined when the merged answer is no longer storable, or when the 304
 * names a strong ETag other than the entry's (it validates another representation: fetch in full).
 */
export function freshenWithNotModified(
  entry: CacheEntry,
  notModified: { headers: IncomingHttpHeaders },
  request: { method: string; headers: IncomingHttpHeaders },
  times: { requestTime: number; responseTime: number },
  options: StoreOptions,
): CacheEntry | undefined {
  const update = notModified.headers;
  const newEtag = headerValue(update, 'etag');
  if (newEtag !== undefined && entry.etag !== undefined && !newEtag.startsWith('W/') && opaqueTag(entry.etag) !== newEtag) return undefined;

  // The edge-only targeted field is judged with the rest (RFC 9213 §2.1), and the 304's own replaces it.
  const merged = flatToHeaders(entry.edgeOnlyHeaders.length === 0 ? entry.headers : [...entry.headers, ...entry.edgeOnlyHeaders]);
  const connection = update.connection;
  for (const name of Object.keys(update)) {
    const value = update[name];
    if (value === undefined || name === 'content-length' || isHopByHop(name, connection)) continue;
    merged[name] = value;
  }
  // A 304 without Date is dated when it arrived (RFC 9110 §6.6.1): the stored Date would make the entry look old.
  if (update.date === undefined) merged.date = formatHttpDate(times.responseTime);
  // Storage rules are judged on the merged answer; a cookie in the 304 counts but is never stored.
  const decision = decideStorage({ method: 'GET', headers: request.headers }, { status: entry.status, headers: merged }, times, options);
  if (!decision.store) return undefined;
  return {
    ...entry,
    ...decision.meta,
    headers: toStoredHeaders(merged, times.responseTime, options.targets),
    edgeOnlyHeaders: edgeOnlyHeaders(merged, options.targets),
    requestTime: times.requestTime,
    responseTime: times.responseTime,
    invalidatedAt: undefined,
  };
}

/** A client's own conditional request: the node's answer to it (perhaps a 304) is for that client alone. */
export function isConditionalRequest(headers: IncomingHttpHeaders): boolean {
  return headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined;
}
