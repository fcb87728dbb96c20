import type { IncomingHttpHeaders } from 'node:http';
import { isHopByHop } from '../../http/hop-by-hop';
import type { Directives } from './cache-control';
import { forEachListMember, headerValue } from './header-values';
import { formatHttpDate } from './http-date';
import { type CacheControlTargets, CDN_TARGETS, selectDirectives } from './targeted-cache-control';

/**
 * Headers a stored answer never keeps: recomputed on each hit (Age, Content-Length, the edge's own
 * X-Cache / X-CDN-Node) or belonging to one client (Set-Cookie, and X-Request-Id: each hit sends its own).
 */
const NEVER_STORED: ReadonlySet<string> = new Set(['age', 'content-length', 'set-cookie', 'x-cache', 'x-cdn-node', 'x-request-id']);

const NO_STRINGS: readonly string[] = Object.freeze([]);

/**
 * A node's answer headers as CacheEntry.headers, what a hit sends as it is: flat, lower-case, without
 * hop-by-hop and never-stored headers, nor the fields named by a qualified `private="..."` or
 * `no-cache="..."` of the directives that decide (RFC 9111 §5.2.2.4, §5.2.2.7: a shared cache may keep
 * the rest of the answer when it drops those fields), nor the targeted field meant for this CDN alone
 * (kept apart by edgeOnlyHeaders). An answer without Date gets one: the time it was received (ms), as
 * RFC 9110 §6.6.1 asks of a cache; it is what If-Modified-Since is judged on when there is no Last-Modified.
 */
export function toStoredHeaders(headers: IncomingHttpHeaders, receivedAt: number, targets: CacheControlTargets = CDN_TARGETS): string[] {
  const connection = headers.connection;
  const excluded = qualifiedFieldNames(selectDirectives(headers, targets).directives);
  const flat: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || NEVER_STORED.has(name) || name === targets.own || isHopByHop(name, connection)) continue;
    if (excluded !== undefined && excluded.includes(name)) continue;
    flat.push(name, typeof value === 'string' ? value : value.join(', '));
  }
  if (headers.date === undefined) flat.push('date', formatHttpDate(receivedAt));
  return flat;
}

/** The targeted field meant for this CDN alone, as CacheEntry.edgeOnlyHeaders: kept to judge the entry again, never sent. */
export function edgeOnlyHeaders(headers: IncomingHttpHeaders, targets: CacheControlTargets = CDN_TARGETS): readonly string[] {
  const own = targets.own;
  const value = own === undefined ? undefined : headerValue(headers, own);
  return value === undefined ? NO_STRINGS : [own!, value];
}

function qualifiedFieldNames(directives: Directives): string[] | undefined {
  const privateFields = directives.get('private');
  const noCacheFields = directives.get('no-cache');
  if (typeof privateFields !== 'string' && typeof noCacheFields !== 'string') return undefined;
  const names: string[] = [];
  const add = (name: string): void => {
    names.push(name.toLowerCase());
  };
  if (typeof privateFields === 'string') forEachListMember(privateFields, ',', add);
  if (typeof noCacheFields === 'string') forEachListMember(noCacheFields, ',', add);
  return names;
}
