import { byteSize, edgeId, httpUrl, integerIn, logFilePath, natsUrl, nonEmpty, oneOf, redisUrl, urlPath } from './option-parsers';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Every setting any of the three programs accepts. */
export interface CdnConfig {
  host: string;
  port: number;
  nodeTimeout: number;
  healthInterval: number;
  cacheTime: number;
  cacheEnabled: boolean;
  logLevel: LogLevel;
  logFile: string;
  logFormat: LogFormat;
  resetConfig: boolean;
  nodesFile: string;
  natsUrl: string | undefined;
  edgeId: string | undefined;
  upstreamTimeout: number;
  cacheMaxBytes: number;
  cacheMaxObject: number;
  cacheRedisUrl: string | undefined;
  staleIfError: number;
  cacheSortQuery: boolean;
  cacheSetCookie: boolean;
  warmConcurrency: number;
  healthPath: string;
  healthyThreshold: number;
  unhealthyThreshold: number;
  probeTimeout: number;
  alertWebhooks: string[];
  alertDelay: number;
  lbStrategy: LbStrategyName;
  retries: number;
  panicRouting: boolean;
}

export const LB_STRATEGY_NAMES = ['default', 'weighted', 'least-load', 'geo', 'consistent-hash'] as const;
export type LbStrategyName = (typeof LB_STRATEGY_NAMES)[number];

export type OptionName = keyof CdnConfig;

/** The two programs of the split deployment; the all-in-one server takes the options of both (see programs.ts). */
export type SplitProgram = 'control-plane' | 'edge';

const ALL: readonly SplitProgram[] = ['control-plane', 'edge'];
const CP: readonly SplitProgram[] = ['control-plane'];
const EDGE: readonly SplitProgram[] = ['edge'];

export interface OptionSpec {
  key: OptionName;
  /** The flag as the seed spells it, e.g. `--node-timeout <seconds>`. */
  flags: string;
  description: string;
  /** The split programs that take it. */
  programs: readonly SplitProgram[];
  /** Only the split deployment needs it: the all-in-one server's bus is in-process. */
  splitOnly?: true;
  /** Environment variable consulted when the flag is absent. */
  env: string;
  parse?: (raw: string, name: string) => unknown;
  default?: unknown;
  /** A boolean switch: the flag sets the value given by switchValue(); the env var gives the value itself. */
  switch?: true;
  /** May be given several times; the env var holds a comma-separated list. */
  repeatable?: true;
}

export const OPTION_SPECS: Record<OptionName, OptionSpec> = {
  host: { key: 'host', programs: ALL, flags: '--host <host>', description: 'listen address', env: 'CDN_HOST', parse: nonEmpty, default: '0.0.0.0' },
  port: { key: 'port', programs: ALL, flags: '--port <port>', description: 'listen port', env: 'CDN_PORT', parse: integerIn(1, 65535), default: 5000 },
  nodeTimeout: {
    key: 'nodeTimeout', programs: CP, flags: '--node-timeout <seconds>', description: 'a node without a heartbeat for this long becomes inactive',
    env: 'CDN_NODE_TIMEOUT', parse: integerIn(1, 86400), default: 10,
  },
  healthInterval: {
    key: 'healthInterval', programs: CP, flags: '--health-interval <seconds>', description: 'health-check period',
    env: 'CDN_HEALTH_INTERVAL', parse: integerIn(1, 3600), default: 5,
  },
  cacheTime: { key: 'cacheTime', programs: EDGE, flags: '--cache-time <seconds>', description: 'default cache TTL', env: 'CDN_CACHE_TIME', parse: integerIn(0, 31536000), default: 30 },
  cacheEnabled: {
    key: 'cacheEnabled', programs: ALL, flags: '--disable-cache', description: 'start with the cache off',
    env: 'CDN_CACHE_ENABLED', default: true, switch: true,
  },
  logLevel: { key: 'logLevel', programs: ALL, flags: '--log-level <level>', description: 'DEBUG, INFO, WARNING or ERROR', env: 'CDN_LOG_LEVEL', parse: oneOf(LOG_LEVELS), default: 'INFO' },
  logFile: { key: 'logFile', programs: ALL, flags: '--log-file <path>', description: 'log file, appended to besides stdout; - for stdout only', env: 'CDN_LOG_FILE', parse: logFilePath, default: 'cdn_system.log' },
  logFormat: { key: 'logFormat', programs: ALL, flags: '--log-format <format>', description: 'text or json', env: 'CDN_LOG_FORMAT', parse: oneOf(LOG_FORMATS), default: 'text' },
  resetConfig: { key: 'resetConfig', programs: CP, flags: '--reset-config', description: 'start with no saved nodes', env: 'CDN_RESET_CONFIG', default: false, switch: true },
  nodesFile: { key: 'nodesFile', programs: CP, flags: '--nodes-file <path>', description: 'where node state is saved', env: 'CDN_NODES_FILE', parse: nonEmpty, default: './cdn_nodes.json' },
  natsUrl: { key: 'natsUrl', programs: ALL, splitOnly: true, flags: '--nats-url <url>', description: 'NATS server(s), e.g. nats://127.0.0.1:4222', env: 'CDN_NATS_URL', parse: natsUrl },
  edgeId: { key: 'edgeId', programs: EDGE, flags: '--edge-id <id>', description: 'this edge\'s id in reports (default: hostname-pid)', env: 'CDN_EDGE_ID', parse: edgeId },
  upstreamTimeout: {
    key: 'upstreamTimeout', programs: EDGE, flags: '--upstream-timeout <seconds>', description: 'give up on a node that sends no response for this long',
    env: 'CDN_UPSTREAM_TIMEOUT', parse: integerIn(1, 3600), default: 30,
  },
  cacheMaxBytes: {
    key: 'cacheMaxBytes', programs: EDGE, flags: '--cache-max-bytes <size>', description: 'memory cache size per edge, e.g. 256MiB',
    env: 'CDN_CACHE_MAX_BYTES', parse: byteSize(1024, 2 ** 45), default: 256 * 1024 * 1024,
  },
  cacheMaxObject: {
    key: 'cacheMaxObject', programs: EDGE, flags: '--cache-max-object <size>', description: 'largest cached object; larger ones stream through, e.g. 8MiB',
    env: 'CDN_CACHE_MAX_OBJECT', parse: byteSize(1, 2 ** 32), default: 8 * 1024 * 1024,
  },
  cacheRedisUrl: {
    key: 'cacheRedisUrl', programs: EDGE, flags: '--cache-redis-url <url>', description: 'Redis shared by all edges as the second cache tier (off when unset)',
    env: 'CDN_CACHE_REDIS_URL', parse: redisUrl,
  },
  staleIfError: {
    key: 'staleIfError', programs: EDGE, flags: '--stale-if-error <seconds>', description: 'serve a stale copy this long when the node fails, for answers that do not say',
    env: 'CDN_STALE_IF_ERROR', parse: integerIn(0, 31536000), default: 0,
  },
  cacheSortQuery: {
    key: 'cacheSortQuery', programs: EDGE, flags: '--cache-sort-query', description: 'sort query parameters in cache keys (?b=1&a=2 and ?a=2&b=1 share one entry)',
    env: 'CDN_CACHE_SORT_QUERY', default: false, switch: true,
  },
  cacheSetCookie: {
    key: 'cacheSetCookie', programs: EDGE, flags: '--cache-set-cookie', description: 'store answers that carry Set-Cookie (the cookie is never stored)',
    env: 'CDN_CACHE_SET_COOKIE', default: false, switch: true,
  },
  warmConcurrency: {
    key: 'warmConcurrency', programs: EDGE, flags: '--warm-concurrency <n>', description: 'cache-warming requests in flight per node, per edge',
    env: 'CDN_WARM_CONCURRENCY', parse: integerIn(1, 256), default: 4,
  },
  healthPath: {
    key: 'healthPath', programs: CP, flags: '--health-path <path>', description: 'path probed on every node; any answer below 500 counts as up',
    env: 'CDN_HEALTH_PATH', parse: urlPath, default: '/health',
  },
  healthyThreshold: {
    key: 'healthyThreshold', programs: CP, flags: '--healthy-threshold <n>', description: 'consecutive successful probes that bring a node back',
    env: 'CDN_HEALTHY_THRESHOLD', parse: integerIn(1, 100), default: 2,
  },
  unhealthyThreshold: {
    key: 'unhealthyThreshold', programs: CP, flags: '--unhealthy-threshold <n>', description: 'consecutive failed probes that mark a node inactive',
    env: 'CDN_UNHEALTHY_THRESHOLD', parse: integerIn(1, 100), default: 3,
  },
  probeTimeout: {
    key: 'probeTimeout', programs: CP, flags: '--probe-timeout <seconds>', description: 'a probe without an answer for this long fails',
    env: 'CDN_PROBE_TIMEOUT', parse: integerIn(1, 300), default: 2,
  },
  alertWebhooks: {
    key: 'alertWebhooks', programs: CP, flags: '--alert-webhook <url>', description: 'POST alerts as JSON to this URL (repeatable)',
    env: 'CDN_ALERT_WEBHOOK', parse: httpUrl, default: [], repeatable: true,
  },
  alertDelay: {
    key: 'alertDelay', programs: CP, flags: '--alert-delay <seconds>', description: 'a node_down or all_nodes_down condition must hold this long before its alert goes out',
    env: 'CDN_ALERT_DELAY', parse: integerIn(0, 3600), default: 10,
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
};
