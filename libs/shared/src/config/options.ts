/**
 * Every option of the three programs, in one table assembled from the groups in specs/: the flags a
 * program accepts, its --help and the README's settings table all come from here.
 */
import type { LbStrategyName, LogFormat, LogLevel, LogStdout } from './choices';
import type { OptionSpec } from './option-spec';
import { CONTROL_PLANE_OPTIONS } from './specs/control-plane-options';
import { EDGE_OPTIONS } from './specs/edge-options';
import { NATS_OPTIONS } from './specs/nats-options';
import { SECURITY_OPTIONS } from './specs/security-options';
import { SERVER_OPTIONS } from './specs/server-options';

export { LB_STRATEGY_NAMES, LOG_FORMATS, LOG_LEVELS, LOG_STDOUT_CHOICES } from './choices';
export type { LbStrategyName, LogFormat, LogLevel, LogStdout } from './choices';
export type { OptionSpec, SplitProgram } from './option-spec';

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
  logStdout: LogStdout;
  resetConfig: boolean;
  nodesFile: string;
  natsUrl: string | undefined;
  edgeId: string | undefined;
  upstreamTimeout: number;
  cacheMaxBytes: number;
  cacheMaxObject: number;
  cacheRedisUrl: string | undefined;
  cacheRedisCluster: boolean;
  staleIfError: number;
  cacheSortQuery: boolean;
  cacheSetCookie: boolean;
  /** --cache-heuristic-max: cap in seconds of heuristic freshness (RFC 9111 §4.2.2); 0 turns it off. */
  cacheHeuristicMax: number;
  /** --cache-control-target: the lower-case targeted field (RFC 9213) meant for this CDN alone. */
  cacheControlTarget: string | undefined;
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
  adminTokens: string[];
  adminTokenFile: string | undefined;
  viewerTokens: string[];
  viewerTokenFile: string | undefined;
  adminCorsOrigins: string[];
  nodeUrlAllow: string[];
  maxNodes: number;
  adminHost: string;
  adminPort: number | undefined;
  headerTimeout: number;
  idleTimeout: number;
  keepAliveTimeout: number;
  maxConnections: number;
  maxHeaderSize: number;
  trustedProxies: string[];
  cacheRedisTlsCa: string | undefined;
  natsCreds: string | undefined;
  natsUser: string | undefined;
  natsPassword: string | undefined;
  natsPasswordFile: string | undefined;
  natsToken: string | undefined;
  natsTokenFile: string | undefined;
  natsTlsCa: string | undefined;
  natsTlsCert: string | undefined;
  natsTlsKey: string | undefined;
  natsReplicas: number;
  leaderLease: number;
  replicaId: string | undefined;
  stateDir: string | undefined;
  /** Processes serving the port (--workers); 1 is a single process, no cluster. */
  workers: number;
}

export type OptionName = keyof CdnConfig;

export const OPTION_SPECS: Record<OptionName, OptionSpec> = {
  ...SERVER_OPTIONS,
  ...CONTROL_PLANE_OPTIONS,
  ...EDGE_OPTIONS,
  ...SECURITY_OPTIONS,
  ...NATS_OPTIONS,
};
