export { parseConfig, loadConfigOrExit, checkOptionsOrExit, ConfigError } from './config/parse-config';
export type { ProgramInfo } from './config/parse-config';
export { OPTION_SPECS, LOG_LEVELS, LOG_FORMATS } from './config/options';
export { SECRET_TOKEN_PATTERN } from './config/option-parsers';
export type { CdnConfig, OptionName, LogLevel, LogFormat, SplitProgram } from './config/options';
export { programInfo, programOptions, VERSION } from './config/programs';
export { isLoopback, openAdminApiWarning } from './config/admin-exposure';
export type { ProgramName } from './config/programs';
export { createLogger, silentLogger } from './logging/logger';
export { createProgramLogger } from './logging/program-logger';
export { requestLogOf } from './logging/request-log';
export type { RequestLog } from './logging/request-log';
export { checkWritableDirectory, listen, StartupError } from './process/startup-error';
export { StartupGate } from './process/startup-gate';
export { registerProcessMetrics } from './process/process-metrics';
export { createHardenedServer, hardenServer, serverOptions } from './listener/harden-server';
export type { HardenOptions } from './listener/harden-server';
export { closeGracefully } from './listener/close-gracefully';
export { listenerLimits } from './listener/listener-limits';
export type { ListenerConfig, ListenerLimits } from './listener/listener-limits';
export { listenerMetrics } from './listener/listener-metrics';
export type { ListenerMetrics } from './listener/listener-metrics';
export type { CloseReason } from './listener/client-error';
export { exitOnSignals, exitOnStartupFailure, flushLog } from './process/process-lifecycle';
export type { Logger, LoggerOptions } from './logging/logger';
export { formatTextLine, formatJsonLine } from './logging/log-line';
export type { JsonMembers } from './logging/log-line';
export { createRequestIds, isUsableRequestId, MAX_REQUEST_ID_LENGTH } from './logging/request-id';
export type { RequestIds } from './logging/request-id';
export { printable } from './logging/printable';
export { ERRORS, CdnError, errorBody } from './errors';
export { normalizeTarget } from './http/normalize-path';
export { CDN_ROOT, normalizeCdnTarget, targetOfUrl } from './http/cdn-target';
export type { ErrorCode, ErrorBody } from './errors';
export {
  NODE_ID_PATTERN,
  DEFAULT_HEARTBEAT_INTERVAL,
  MAX_HEARTBEAT_INTERVAL,
  MAX_LOCATION_LENGTH,
  MAX_NODE_CAPACITY,
  MAX_NODE_LOAD,
  SHA256_HEX_PATTERN,
  firstIssuePerField,
  isObjectPrototypeName,
  nodeIdSchema,
  nodeLoadSchema,
  nodeRegistrationSchema,
  nodeUrlSchema,
  storedNodeSchema,
  validateRegistration,
} from './node';
export { checkNodeUrl, CONTROL_CHARACTERS } from './node-url';
export type { NodeUrlCheck } from './node-url';
export type { NodeRegistration, StoredNode } from './node';
export {
  buildRoutingTable,
  checkRouteNode,
  checkRoutingSettings,
  DEFAULT_ROUTING_SETTINGS,
  EMPTY_ROUTING_TABLE,
  NODE_STATUSES,
  routeNodeSchema,
  routingSettingsSchema,
} from './routing/routing-table';
export type { NodeStatus, RouteNode, RoutingSettings, RoutingTable } from './routing/routing-table';
export { EDGE_EVENTS, edgeReportSchema } from './routing/routing-bus';
export { edgeTrafficReportSchema, LATENCY_BOUNDS_MS, LATENCY_BUCKETS, latencyBucket, MAX_TRAFFIC_NODES, TrafficCounts } from './routing/edge-traffic';
export type { EdgeTraffic, EdgeTrafficReport } from './routing/edge-traffic';
export { describeIssues } from './routing/describe-issues';
export type {
  EdgeEventMap,
  EdgeEventName,
  EdgeEventPublisher,
  EdgeNodeStats,
  EdgeReport,
  PublishResult,
  RefusedNode,
  RejectedRoutingEntry,
  RoutingCorrection,
  RoutingSource,
  RoutingSourceHooks,
  RoutingStore,
  SeenRoutingEntry,
} from './routing/routing-bus';
export { InProcessBroadcast } from './routing/broadcast';
export type { Broadcast } from './routing/broadcast';
export { NODE_LOADS_SUBJECT, nodeLoadsSchema } from './routing/node-loads';
export type { NodeLoadBus, NodeLoads } from './routing/node-loads';
export { createNatsNodeLoadBus } from './nats/nats-node-loads';
export { createNatsBroadcast } from './nats/nats-broadcast';
export { InProcessBus } from './routing/in-process-bus';
export { createBalancer, geoOrder, LB_STRATEGIES, SAME_PLACE_KM } from './routing/strategies';
export type { Balancer, BalancerOptions, LbStrategy, LoadOf, PickRequest } from './routing/strategies';
export { ROUTING_BUCKET, NODE_KEY_PREFIX, nodeKey, isNodeKey, SETTINGS_KEY } from './nats/nats-names';
export { connectNats } from './nats/nats-connection';
export type { ConnectNatsOptions, NatsProblemKind } from './nats/nats-connection';
export { NO_NATS_CREDENTIALS, readNatsCredentials } from './nats/nats-credentials';
export type { NatsCredentialOptions, NatsCredentials } from './nats/nats-credentials';
export { redactUrl } from './logging/redact-url';
export { ALWAYS_CONNECTED, watchNatsConnection } from './nats/nats-connection-state';
export type { BusConnection } from './nats/nats-connection-state';
export { NATS_REQUEST_TIMEOUT_MS, ownedBucket, withTimeout, type BucketOptions } from './nats/nats-routing-bucket';
export { checkWatchForStall, WATCH_CHECK_MS } from './nats/watch-stall';
export { createNatsRoutingStore } from './nats/nats-routing-store';
export { createNatsRoutingSource } from './nats/nats-routing-source';
export { createNatsEdgeEventPublisher, encodeNestEvent } from './nats/nats-edge-events';
export { CACHE_COMMANDS_SUBJECT, cacheCommandSchema, cacheReceiptSchema } from './cache/cache-commands';
export type { CacheCommand, CacheCommandBus, CacheReceipt } from './cache/cache-commands';
export { createNatsCacheCommandBus } from './nats/nats-cache-commands';
export { countNatsProblems } from './nats/nats-problem-metric';
export { watchNatsConnected } from './nats/nats-connected-metric';
export { isUntrustedCertificate } from './tls/untrusted-certificate';
export { startClusterPrimary } from './workers/cluster-primary';
export type { ClusterPrimary } from './workers/cluster-primary';
export { servingProcess } from './workers/serving-process';
export type { ServingProcess } from './workers/serving-process';
export { connectIpcBus } from './workers/ipc-bus';
export type { IpcBus } from './workers/ipc-bus';
export { relayBusToWorkers } from './workers/ipc-bus-relay';
export type { BusRelay } from './workers/ipc-bus-relay';
export { workerEdgeId } from './workers/worker-slot';
