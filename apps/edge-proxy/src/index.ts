export { createEdgeProxy, MAX_URL_LENGTH } from './edge-proxy';
export type { EdgeProxy, EdgeProxyOptions } from './edge-proxy';
export type { ResponseCache, CachedResponse } from './cache/response-cache';
