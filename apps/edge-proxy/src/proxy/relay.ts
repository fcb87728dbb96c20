import type { IncomingMessage, ServerResponse } from 'node:http';
import { isHopByHop } from '../http/hop-by-hop';

/** Headers the edge sets itself on every answer; a node's own are dropped (its X-Request-Id too: the client's stands). */
const EDGE_HEADERS = new Set(['x-cache', 'x-cdn-node', 'x-request-id']);

/**
 * A node's response headers as a flat `[name, value, ...]` list for the client: repeated headers
 * (Set-Cookie) kept as sent, hop-by-hop ones removed, and `edgeOnly` (the lower-case targeted field
 * meant for this CDN alone, --cache-control-target) too; then X-Cache and X-CDN-Node, and the client's
 * X-Request-Id when given (a shared answer adds each client's own: Fill).
 */
export function relayHeaders(proxyRes: IncomingMessage, cache: string, nodeId: string, requestId: string | undefined, edgeOnly: string | undefined): string[] {
  const raw = proxyRes.rawHeaders;
  const connection = typeof proxyRes.headers.connection === 'string' ? proxyRes.headers.connection : undefined;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (EDGE_HEADERS.has(lower) || lower === edgeOnly || isHopByHop(lower, connection)) continue;
    out.push(raw[i], raw[i + 1]);
  }
  out.push('X-Cache', cache, 'X-CDN-Node', nodeId);
  if (requestId !== undefined) out.push('X-Request-Id', requestId);
  return out;
}

/**
 * Streams a node's answer to the client with back-pressure. A node that dies mid-body aborts the client's
 * answer: a truncated body must not look complete.
 */
export function relay(proxyRes: IncomingMessage, res: ServerResponse, headers: string[]): void {
  res.writeHead(proxyRes.statusCode ?? 502, headers);
  proxyRes.pipe(res);
}

/** Reads and discards a node's answer that the client will not get (the connection returns to the pool). */
export function discard(proxyRes: IncomingMessage): void {
  proxyRes.resume();
}
