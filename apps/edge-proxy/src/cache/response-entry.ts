import type { IncomingMessage } from 'node:http';
import { edgeOnlyHeaders, StoreDecision, StoreOptions, toStoredHeaders } from './http-semantics';
import type { CacheEntry } from './store/cache-entry';

/** A cache entry from a node's complete answer and the storage decision made on its headers. */
export function entryFromResponse(
  proxyRes: IncomingMessage,
  body: Buffer,
  decision: Extract<StoreDecision, { store: true }>,
  nodeId: string,
  times: { requestTime: number; responseTime: number },
  options: Pick<StoreOptions, 'targets'>,
): CacheEntry {
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
  };
}
