/** X-Cache values (RFC 9111 vocabulary: STALE is served past freshness, REVALIDATED after a 304 from the node). */
export type CacheOutcome = 'HIT' | 'MISS' | 'STALE' | 'REVALIDATED' | 'BYPASS';

/**
 * The access line: `<METHOD> <path> <status> <X-Cache> <node-id or -> response_time <ms>`.
 * The time is the last token on purpose: the manual reads it with `awk '{print $NF}'`.
 */
export function formatAccessLine(method: string, path: string, status: number, cache: CacheOutcome, nodeId: string | undefined, elapsedMs: number): string {
  return `${method} ${path} ${status} ${cache} ${nodeId ?? '-'} response_time ${elapsedMs.toFixed(3)}`;
}

/** What the JSON access line says of one request (--log-format json). */
export interface AccessFields {
  method: string;
  path: string;
  status: number;
  cache: CacheOutcome;
  nodeId: string | undefined;
  /** Response body bytes sent to the client. */
  bytes: number;
  elapsedMs: number;
  /** The client's address (a trusted proxy's X-Forwarded-For client), when known. */
  client: string | undefined;
  requestId: string;
}

/** The message of the JSON access line: its fields say the rest. */
export const ACCESS_MESSAGE = 'access';

/**
 * The JSON access line's fields as JSON members, built as text (no object per request). Every string from a
 * client (path, method, request id, address) is escaped by JSON.stringify, so the line parses whatever it holds.
 */
export function formatAccessFields(f: AccessFields): string {
  return (
    `"method":${JSON.stringify(f.method)},"path":${JSON.stringify(f.path)},"status":${f.status},"cache":"${f.cache}",` +
    `"node":${f.nodeId === undefined ? 'null' : JSON.stringify(f.nodeId)},"bytes":${f.bytes},"duration_ms":${f.elapsedMs.toFixed(3)},` +
    `"client":${f.client === undefined ? 'null' : JSON.stringify(f.client)},"request_id":${JSON.stringify(f.requestId)}`
  );
}

/** Methods kept as metric labels; anything else is counted as OTHER so a client cannot grow the label set. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function methodLabel(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : 'OTHER';
}
