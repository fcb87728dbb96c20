import type { IncomingMessage } from 'node:http';
import { edgeOnlyHeaders, singlePartRange, StoreDecision, StoreOptions, toStoredHeaders } from './http-semantics';
import type { CacheEntry, PartialRange } from './store/cache-entry';

/**
 * A cache entry from a node's complete answer and the storage decision made on its headers; undefined for
 * a 206 whose body is not the range its Content-Range names (it would serve wrong bytes).
 */
export function entryFromResponse(
  proxyRes: IncomingMessage,
  body: Buffer,
  decision: Extract<StoreDecision, { store: true }>,
  nodeId: string,
  times: { requestTime: number; responseTime: number },
  options: Pick<StoreOptions, 'targets'>,
): CacheEntry | undefined {
  let partial: PartialRange | undefined;
  if (proxyRes.statusCode === 206) {
    const range = singlePartRange(proxyRes.headers);
    if (range === undefined || range.last - range.first + 1 !== body.length) return undefined;
    partial = { start: range.first, completeLength: range.completeLength };
  }
  return {
    status: proxyRes.statusCode!,
    headers: toStoredHeaders(proxyRes.headers, times.responseTime, options.targets),
    edgeOnlyHeaders: edgeOnlyHeaders(proxyRes.headers, options.targets),
    body,
    nodeId,
    requestTime: times.requestTime,
    responseTime: times.responseTime,
    invalidatedAt: undefined,
    ...decision.meta,
    partial,
  };
}
