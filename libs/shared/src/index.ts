export { parseConfig, loadConfigOrExit, ConfigError } from './config/parse-config';
export type { ProgramInfo } from './config/parse-config';
export { OPTION_SPECS, LOG_LEVELS, LOG_FORMATS } from './config/options';
export type { CdnConfig, OptionName, LogLevel, LogFormat, SplitProgram } from './config/options';
export { programInfo, programOptions, VERSION } from './config/programs';
export type { ProgramName } from './config/programs';
export { createLogger, silentLogger } from './logging/logger';
export { createProgramLogger } from './logging/program-logger';
export { checkWritableDirectory, listen, StartupError } from './process/startup-error';
export { StartupGate } from './process/startup-gate';
export { exitOnSignals, exitOnStartupFailure, flushLog } from './process/process-lifecycle';
export type { Logger, LoggerOptions } from './logging/logger';
export { formatTextLine, formatJsonLine } from './logging/log-line';
export { ERRORS, CdnError, errorBody } from './errors';
export type { ErrorCode, ErrorBody } from './errors';
export {
  NODE_ID_PATTERN,
  DEFAULT_HEARTBEAT_INTERVAL,
  nodeRegistrationSchema,
  storedNodeSchema,
  storedNodesSchema,
  validateRegistration,
} from './node';
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
export { describeIssues } from './routing/describe-issues';
export type { EdgeEventMap, EdgeEventName, EdgeEventPublisher, EdgeNodeStats, EdgeReport, RoutingSource, RoutingStore } from './routing/routing-bus';
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
export { ALWAYS_CONNECTED, watchNatsConnection } from './nats/nats-connection-state';
export type { BusConnection } from './nats/nats-connection-state';
export { NATS_REQUEST_TIMEOUT_MS, withTimeout } from './nats/nats-routing-bucket';
export { createNatsRoutingStore } from './nats/nats-routing-store';
export { createNatsRoutingSource } from './nats/nats-routing-source';
export { createNatsEdgeEventPublisher, encodeNestEvent } from './nats/nats-edge-events';
export { CACHE_COMMANDS_SUBJECT, cacheCommandSchema, cacheReceiptSchema } from './cache/cache-commands';
export type { CacheCommand, CacheCommandBus, CacheReceipt } from './cache/cache-commands';
export { createNatsCacheCommandBus } from './nats/nats-cache-commands';
