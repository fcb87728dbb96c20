import type { IncomingHttpHeaders } from 'node:http';
import { deltaSeconds, parseCacheControl } from './cache-control';

/** What the client asked of caches (RFC 9111 §5.2.1). */
export interface RequestPolicy {
  /** GET or HEAD without no-store: may be answered from cache. */
  lookup: boolean;
  /** The answer may be stored (false with request no-store, or for methods other than GET). */
  store: boolean;
  /** The client demands revalidation: Cache-Control: no-cache, max-age=0, or Pragma: no-cache without Cache-Control. */
  revalidate: boolean;
  maxAge: number | undefined;
  /** true = any staleness accepted (max-stale without value). */
  maxStale: number | true | undefined;
  minFresh: number | undefined;
  onlyIfCached: boolean;
}

/** Reads a client's request into what caches may do with it. */
export function requestPolicy(method: string, headers: IncomingHttpHeaders): RequestPolicy {
  const cacheControl = headers['cache-control'];
  const directives = parseCacheControl(cacheControl);
  const noStore = directives.has('no-store');
  const maxAge = deltaSeconds(directives, 'max-age');
  const maxStaleValue = directives.get('max-stale');
  const maxStale = maxStaleValue === true ? true : deltaSeconds(directives, 'max-stale');
  // Pragma: no-cache is the HTTP/1.0 spelling; RFC 9111 §5.4 lets Cache-Control win when both are present.
  const pragmaNoCache = cacheControl === undefined && hasPragmaNoCache(headers.pragma);
  return {
    lookup: (method === 'GET' || method === 'HEAD') && !noStore,
    store: method === 'GET' && !noStore,
    revalidate: directives.has('no-cache') || maxAge === 0 || pragmaNoCache,
    maxAge,
    maxStale,
    minFresh: deltaSeconds(directives, 'min-fresh'),
    onlyIfCached: directives.has('only-if-cached'),
  };
}

function hasPragmaNoCache(pragma: string | string[] | undefined): boolean {
  if (pragma === undefined) return false;
  return parseCacheControl(pragma).has('no-cache');
}
