import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { isHopByHop } from '../http/hop-by-hop';
import { ageSeconds } from './cacheability';
import type { CachedResponse } from './response-cache';

/**
 * Headers a stored answer never keeps: they are recomputed on each hit, or belong to one client or hop.
 * Date is kept: with Age it tells the client how old the copy is (RFC 9111 §5.1).
 */
const NOT_STORED = new Set(['content-length', 'set-cookie', 'age', 'x-cache', 'x-cdn-node']);

/** Turns a node's 200 answer into an entry; headers are flattened once so that a hit only copies references. */
export function toCachedResponse(status: number, headers: IncomingHttpHeaders, body: Buffer, nodeId: string, storedAt: number): CachedResponse {
  const flat: string[] = [];
  let size = body.length + 64;
  const connection = typeof headers.connection === 'string' ? headers.connection : undefined;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || NOT_STORED.has(name) || isHopByHop(name, connection)) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    flat.push(name, text);
    size += name.length + text.length + 4;
  }
  flat.push('content-length', String(body.length));
  return { status, headers: flat, body, nodeId, storedAt, size };
}

/** Answers a request from memory. */
export function writeCachedResponse(res: ServerResponse, entry: CachedResponse, now: number): void {
  res.setHeader('x-cache', 'HIT');
  res.setHeader('x-cdn-node', entry.nodeId);
  res.setHeader('age', ageSeconds(entry.storedAt, now));
  res.writeHead(entry.status, entry.headers as string[]);
  res.end(entry.body);
}
