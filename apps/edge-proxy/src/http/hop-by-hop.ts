import type { IncomingHttpHeaders } from 'node:http';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1): never forwarded nor stored. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** True when `name` (lower case) must not cross this hop, given the message's own `Connection` header. */
export function isHopByHop(name: string, connection: string | undefined): boolean {
  if (HOP_BY_HOP.has(name)) return true;
  if (connection === undefined) return false;
  // Connection may name further hop-by-hop headers ("Connection: close, X-Session").
  for (const token of connection.split(',')) {
    if (token.trim().toLowerCase() === name) return true;
  }
  return false;
}

/** Deletes hop-by-hop headers in place (a node's response headers, before they are copied to the client). */
export function stripHopByHop(headers: IncomingHttpHeaders): void {
  const connection = headers.connection;
  for (const name of Object.keys(headers)) {
    if (isHopByHop(name, connection)) delete headers[name];
  }
}

/**
 * Deletes hop-by-hop headers of a client's request before it is forwarded (a client's `Connection: close`
 * must not close the edge's pooled connection to the node, nor its proxy credentials reach the node).
 * Transfer-Encoding stays: Node frames the streamed body by it.
 */
export function stripRequestHopByHop(headers: IncomingHttpHeaders): void {
  const connection = headers.connection;
  for (const name of Object.keys(headers)) {
    if (name !== 'transfer-encoding' && isHopByHop(name, connection)) delete headers[name];
  }
}
