/** Options of the edge: forwarding, caching and balancing. */
import { byteSize, edgeId, integerIn, nonEmpty, oneOf, redisUrl, targetedFieldName, workerCount } from '../option-parsers';
import { EDGE, type OptionSpec } from '../option-spec';
import { LB_STRATEGY_NAMES } from '../choices';
import type { OptionName } from '../options';

export const EDGE_OPTIONS = {
  edgeId: { key: 'edgeId', programs: EDGE, flags: '--edge-id <id>', description: 'this edge\'s id in reports (default: hostname-pid)', env: 'CDN_EDGE_ID', parse: edgeId },
  upstreamTimeout: {
    key: 'upstreamTimeout', programs: EDGE, flags: '--upstream-timeout <seconds>', description: 'give up on a node that sends no response for this long',
    env: 'CDN_UPSTREAM_TIMEOUT', parse: integerIn(1, 3600), default: 30,
  },
  cacheTime: { key: 'cacheTime', programs: EDGE, flags: '--cache-time <seconds>', description: 'default cache TTL', env: 'CDN_CACHE_TIME', parse: integerIn(0, 31536000), default: 30 },
  cacheMaxBytes: {
    key: 'cacheMaxBytes', programs: EDGE, flags: '--cache-max-bytes <size>', description: 'memory cache size per edge, e.g. 256MiB',
    env: 'CDN_CACHE_MAX_BYTES', parse: byteSize(1024, 2 ** 45), default: 256 * 1024 * 1024,
  },
  cacheMaxObject: {
    key: 'cacheMaxObject', programs: EDGE, flags: '--cache-max-object <size>', description: 'largest cached object; larger ones stream through, e.g. 8MiB',
    env: 'CDN_CACHE_MAX_OBJECT', parse: byteSize(1, 2 ** 32), default: 8 * 1024 * 1024,
  },
  cacheRedisUrl: {
    key: 'cacheRedisUrl', programs: EDGE, flags: '--cache-redis-url <url>', description: 'Redis shared by all edges as the second cache tier (off when unset); with --cache-redis-cluster, comma-separated nodes of the cluster',
    env: 'CDN_CACHE_REDIS_URL', parse: redisUrl,
  },
  cacheRedisCluster: {
    key: 'cacheRedisCluster', programs: EDGE, flags: '--cache-redis-cluster', description: 'the --cache-redis-url servers (comma-separated) are seed nodes of a Redis Cluster',
    env: 'CDN_CACHE_REDIS_CLUSTER', default: false, switch: true,
  },
  staleIfError: {
    key: 'staleIfError', programs: EDGE, flags: '--stale-if-error <seconds>', description: 'serve a stale copy this long when the node fails, for answers that do not say',
    env: 'CDN_STALE_IF_ERROR', parse: integerIn(0, 31536000), default: 0,
  },
  cacheSortQuery: {
    key: 'cacheSortQuery', programs: EDGE, flags: '--cache-sort-query', description: 'sort query parameters in cache keys (?b=1&a=2 and ?a=2&b=1 share one entry)',
    env: 'CDN_CACHE_SORT_QUERY', default: false, switch: true,
  },
  cacheHeuristicMax: {
    key: 'cacheHeuristicMax', programs: EDGE, flags: '--cache-heuristic-max <seconds>',
    description: 'with --cache-time 0, answers with Last-Modified and no explicit freshness stay fresh for 10% of their age, at most this long (0: never)',
    env: 'CDN_CACHE_HEURISTIC_MAX', parse: integerIn(0, 31536000), default: 86400,
  },
  cacheControlTarget: {
    key: 'cacheControlTarget', programs: EDGE, flags: '--cache-control-target <name>',
    description: 'a header field of cache directives for this CDN alone (e.g. Edge-Cache-Control), obeyed before CDN-Cache-Control and Cache-Control and never sent on to clients',
    env: 'CDN_CACHE_CONTROL_TARGET', parse: targetedFieldName,
  },
  cacheSetCookie: {
    key: 'cacheSetCookie', programs: EDGE, flags: '--cache-set-cookie', description: 'store answers that carry Set-Cookie (the cookie is never stored)',
    env: 'CDN_CACHE_SET_COOKIE', default: false, switch: true,
  },
  warmConcurrency: {
    key: 'warmConcurrency', programs: EDGE, flags: '--warm-concurrency <n>', description: 'cache-warming requests in flight per node, per edge',
    env: 'CDN_WARM_CONCURRENCY', parse: integerIn(1, 256), default: 4,
  },
  lbStrategy: {
    key: 'lbStrategy', programs: EDGE, flags: '--lb-strategy <name>', description: 'default (geo nearest, then bounded-load hashing), weighted, least-load, geo or consistent-hash',
    env: 'CDN_LB_STRATEGY', parse: oneOf(LB_STRATEGY_NAMES), default: 'default',
  },
  retries: {
    key: 'retries', programs: EDGE, flags: '--retries <n>', description: 'further nodes tried when one fails before answering',
    env: 'CDN_RETRIES', parse: integerIn(0, 10), default: 2,
  },
  panicRouting: {
    key: 'panicRouting', programs: EDGE, flags: '--disable-panic-routing', description: 'answer 503 when no node is healthy, instead of trying them all',
    env: 'CDN_PANIC_ROUTING', default: true, switch: true,
  },
  workers: {
    key: 'workers', programs: EDGE, flags: '--workers <n|auto>', description: 'processes serving the port, each with its own memory cache; auto: one per core (1: a single process)',
    env: 'CDN_WORKERS', parse: workerCount, default: 1,
  },
  stateDir: {
    key: 'stateDir', programs: EDGE, splitOnly: true, flags: '--state-dir <dir>', description: 'keep every applied routing table here, and start from it when NATS is unreachable',
    env: 'CDN_STATE_DIR', parse: nonEmpty,
  },
} satisfies Partial<Record<OptionName, OptionSpec>>;
