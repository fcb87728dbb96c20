import type { IncomingHttpHeaders } from 'node:http';
import { isHopByHop } from '../../http/hop-by-hop';
import { parseCacheControl } from './cache-control';
import { forEachListMember } from './header-values';

/**
 * Headers a stored answer never keeps: recomputed on each hit (Age, Content-Length, the edge's own
 * X-Cache / X-CDN-Node) or belonging to one client (Set-Cookie, and X-Request-Id: each hit sends its own).
 */
const NEVER_STORED: ReadonlySet<string> = new Set(['age', 'content-length', 'set-cookie', 'x-cache', 'x-cdn-node', 'x-request-id']);

/**
 * A node's answer headers as CacheEntry.headers: flat, lower-case, without hop-by-hop and never-stored
 * headers, nor the fields named by a qualified `private="..."` or `no-cache="..."` (RFC 9111 §5.2.2.4,
 * §5.2.2.7: a shared cache may keep the rest of the answer when it drops those fields).
 */
export function toStoredHeaders(headers: IncomingHttpHeaders): string[] {
  const connection = headers.connection;
  const excluded = qualifiedFieldNames(headers['cache-control']);
  const flat: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || NEVER_STORED.has(name) || isHopByHop(name, connection)) continue;
    if (excluded !== undefined && excluded.includes(name)) continue;
    flat.push(name, typeof value === 'string' ? value : value.join(', '));
  }
  return flat;
}

function qualifiedFieldNames(cacheControl: string | string[] | undefined): string[] | undefined {
  if (cacheControl === undefined) return undefined;
  const directives = parseCacheControl(cacheControl);
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
