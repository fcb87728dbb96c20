/** X-Cache values (RFC 9111 vocabulary: STALE is served past freshness, REVALIDATED after a 304 from the node). */
export type CacheOutcome = 'HIT' | 'MISS' | 'STALE' | 'REVALIDATED' | 'BYPASS';

/**
 * The access line: `<METHOD> <path> <status> <X-Cache> <node-id or -> response_time <ms>`.
 * The time is the last token on purpose: the manual reads it with `awk '{print $NF}'`.
 */
export function formatAccessLine(method: string, path: string, status: number, cache: CacheOutcome, nodeId: string | undefined, elapsedMs: number): string {
  return `${method} ${path} ${status} ${cache} ${nodeId ?? '-'} response_time ${elapsedMs.toFixed(3)}`;
}

/** Methods kept as metric labels; anything else is counted as OTHER so a client cannot grow the label set. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function methodLabel(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : 'OTHER';
}
