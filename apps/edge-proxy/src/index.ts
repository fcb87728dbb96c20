export { createEdgeProxy, MAX_URL_LENGTH } from './edge-proxy';
export type { EdgeProxy, EdgeProxyOptions } from './edge-proxy';
export type { CacheEntry } from './cache/store/cache-entry';
export { COUNTED_MESSAGES } from './http/counted-messages';
