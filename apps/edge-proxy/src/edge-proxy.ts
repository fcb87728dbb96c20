import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { CacheCommandBus, CdnConfig, createRequestIds, EDGE_EVENTS, EdgeEventPublisher, Logger, NodeLoadBus, normalizeCdnTarget, RequestIds, requestLogOf, RouteNode, RoutingSource, RoutingTable } from '@cdn/shared';
import { LiveLoads } from './health/live-loads';
import { PassiveHealth } from './health/passive-health';
import { RetryBudget } from './health/retry-budget';
import { createDispatcher } from './proxy/dispatcher';
import { CDN_PREFIX } from './routing/cdn-path';
import { createCacheCommandHandler } from './cache/cache-commands';
import { createBackgroundFill } from './cache/background-fill';
import { createCacheFlow } from './cache/cache-flow';
import { HitForMiss } from './cache/coalescing/hit-for-miss';
import { createPassThrough } from './cache/pass-through';
import { createEntryStore } from './cache/entry-store';
import { cacheControlTargets, StoreOptions } from './cache/http-semantics';
import { createLanguageVariants } from './cache/language-variants';
import { storageObserver } from './cache/storage-observer';
import { BODY_OVERHEAD, ENTRY_OVERHEAD } from './cache/store/entry-footprint';
import { createMemoryTier } from './cache/store/memory-tier';
import { readRedisTarget } from './cache/store/redis-target';
import { readRedisTlsCa } from './cache/store/redis-tls';
import { createSharedTier } from './cache/store/shared-tier';
import { createTieredCache } from './cache/store/tiered-cache';
import { createForwarding } from './http/forwarded-headers';
import { sendError } from './http/send-json';
import { ACCESS_MESSAGE, formatAccessFields, formatAccessLine } from './observability/access-log';
import { createEdgeMetrics } from './observability/edge-metrics';
import { EXCHANGE, newExchange, ResponseWithExchange } from './proxy/exchange';
import { createForwarder } from './proxy/forwarder';
import { createUpstreamAgents } from './proxy/pooled-connections';
import { createProtocolErrors } from './proxy/protocol-errors';
import { EdgeReporter } from './reporting/edge-reporter';
import { TrafficMeter } from './reporting/traffic-meter';
import { bytesReceived, bytesSent } from './http/counted-messages';
import { buildRoutingState, RoutingState } from './routing/routing-state';
import { LIVE_TABLE, SavedStart, TableOrigin } from './routing/table-origin';
import { tableTransitionLines } from './routing/table-transitions';
import { readiness } from './status/readiness';
import { createStatusEndpoints } from './status/status-endpoints';

export interface EdgeProxy {
  /** Serves one client request: /cdn/* (proxy), /healthz, /readyz, and /metrics unless --admin-port moves it; anything else 404 JSON. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Serves the admin listener (--admin-port): /healthz, /readyz and /metrics. */
  handleAdmin(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Starts following the routing source (does not wait for the first table) and the periodic report. */
  start(): Promise<void>;
  /** Stops reports, closes the proxy agent; does not close the source/publisher it was given. */
  close(): Promise<void>;
}

export interface EdgeProxyOptions {
  /** Uses cacheTime, cacheEnabled, upstreamTimeout, adminPort and the cache* settings. */
  config: CdnConfig;
  logger: Logger;
  source: RoutingSource;
  /** Sends EdgeReport under EDGE_EVENTS.report and cache receipts under EDGE_EVENTS.receipt. */
  events: EdgeEventPublisher;
  /** Purge, warm and invalidation commands, shared by the control plane and every edge. */
  cacheCommands: CacheCommandBus;
  /** Live node loads broadcast by the control plane (least-load and bounded-load hashing). */
  nodeLoads: NodeLoadBus;
  edgeId: string;
  /** Default: a new Registry. Every metric is prefixed cdn_edge_ so that a shared registry holds no clash. */
  registry?: Registry;
  /**
   * Whether this edge's metrics give the shared tier's size (default true). Of a --workers edge only one worker
   * does: the primary sums its workers' gauges, and every worker sees the same Redis.
   */
  reportsSharedSize?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Numbers in [0, 1) for the weighted choice (tests). */
  random?: () => number;
  /** Default 2000. */
  reportIntervalMs?: number;
  /** A table saved by an earlier run (--state-dir): served from start() until the source delivers its first table. */
  savedTable?: SavedStart;
  /** Told of every table from the source once it is in use (--state-dir saves it); must return at once. */
  onTableApplied?: (table: RoutingTable, appliedAt: number) => void;
  /** What the edge waits for while it has no live table, for /readyz and the log (default: "the first routing table"). */
  waitingFor?: () => string;
  /** Why there is no saved table to start from, for /readyz (split edges: "no --state-dir to start from"). */
  noSavedTable?: string;
  /** Makes the X-Request-Id of requests that come without a usable one (default: a random prefix per process). */
  requestIds?: RequestIds;
}

/** Longest request target accepted; longer ones get 414 (they are not worth parsing, logging or forwarding). */
export const MAX_URL_LENGTH = 8 * 1024;


/**
 * A stateless edge: it follows the routing table, picks a node per request (retrying another when one
 * fails), caches by HTTP's rules in memory and in the shared Redis tier, and streams everything else
 * through. Only URLs from the table are ever targeted.
 */
export function createEdgeProxy(options: EdgeProxyOptions): EdgeProxy {
  const { config, logger, source, events, edgeId } = options;
  const registry = options.registry ?? new Registry();
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const edgeCacheEnabled = config.cacheEnabled;
  const requestLog = requestLogOf(logger);
  const requestIds = options.requestIds ?? createRequestIds();

  const memory = createMemoryTier({ maxBytes: config.cacheMaxBytes, maxEntryBytes: config.cacheMaxObject, now });
  const startedAt = now();
  let lastUpdate: number | undefined;
  const sharedSize = options.reportsSharedSize === false ? undefined : () => shared?.size() ?? Promise.resolve(undefined);
  const metrics = createEdgeMetrics(registry, memory, { origin: () => routing?.origin, lastUpdate: () => lastUpdate ?? startedAt, now }, () => inFlightByNode(), sharedSize);
  const waitingFor = options.waitingFor ?? (() => 'the first routing table');
  // Read now, so that seeds without --cache-redis-cluster, or a CA file that is no certificate, stop the start with a line naming the flag.
  const redisTarget = readRedisTarget(config);
  const redisTlsCa = readRedisTlsCa(config);
  const shared = redisTarget
    ? createSharedTier({
        url: config.cacheRedisUrl!,
        cluster: redisTarget.kind === 'cluster',
        tlsCa: redisTlsCa,
        logger,
        onFailure: (kind, operation) => metrics.sharedTierFailures.inc({ kind, operation }),
        onDuration: (operation, seconds) => metrics.sharedTierDuration.observe({ operation }, seconds),
        onTopologyChange: () => metrics.sharedTopologyChanges.inc(),
      })
    : undefined;
  const cache = createTieredCache({ memory, shared, now });
  const targets = cacheControlTargets(config.cacheControlTarget);
  const storeOptions: StoreOptions = {
    defaultTtl: config.cacheTime,
    staleIfErrorDefault: config.staleIfError,
    storeSetCookie: config.cacheSetCookie,
    heuristicMax: config.cacheHeuristicMax,
    targets,
    observer: storageObserver(metrics, logger),
  };
  const protocolErrors = createProtocolErrors({ metrics: metrics.upstream, logger, now });
  const agents = createUpstreamAgents((nodeId) => protocolErrors.report(nodeId, 'bytes_while_idle', 'the connection was closed instead of being reused'));
  /** The one mutable reference: replaced whole when a table arrives, so a request sees one table throughout. */
  let routing: RoutingState | undefined;
  let closed = false;

  const health = new PassiveHealth(now);
  const loads = new LiveLoads(health);
  const forwarding = createForwarding(config.trustedProxies);
  const forwarder = createForwarder({ logger, metrics, now, upstreamTimeoutMs: config.upstreamTimeout * 1000, forwarding, protocolErrors });
  const dispatcher = createDispatcher({
    forwarder,
    health,
    budget: new RetryBudget(now),
    retries: config.retries,
    edgeOnlyField: targets.own,
    loadOf: loads.loadOf,
    random,
    metrics,
    logger,
    protocolErrors,
  });
  const languages = createLanguageVariants(cache, metrics, logger);
  const store = createEntryStore(cache, metrics, languages);
  const backgroundFill = createBackgroundFill({ dispatcher, store, storeOptions, maxEntryBytes: config.cacheMaxObject, now });
  const hitForMiss = new HitForMiss({ ttlMs: 120_000, now });
  const passThrough = createPassThrough({
    cache,
    dispatcher,
    hitForMiss,
    sortQuery: config.cacheSortQuery,
    edgeOnlyField: targets.own,
    metrics,
    logger,
    broadcastInvalidation: (targets) => options.cacheCommands.publish({ type: 'invalidate', targets, fromEdge: edgeId, issuedAt: now() }),
  });
  const flow = createCacheFlow({
    hitForMiss,
    passThrough,
    cache,
    store,
    backgroundFill,
    languages,
    dispatcher,
    storeOptions,
    sortQuery: config.cacheSortQuery,
    metrics,
    logger,
    now,
    cacheOn: () => routing?.cacheOn === true,
  });
  const onCacheCommand = createCacheCommandHandler({
    edgeId,
    cache,
    backgroundFill,
    sortQuery: config.cacheSortQuery,
    warmConcurrency: config.warmConcurrency,
    routing: () => routing,
    sendReceipt: (receipt) => events.publish(EDGE_EVENTS.receipt, receipt),
    broadcast: (command) => options.cacheCommands.publish(command),
    metrics,
    logger,
    now,
    random,
    loadOf: loads.loadOf,
  });
  const unsubscribe: (() => void)[] = [];
  const traffic = new TrafficMeter();
  const applied = () => (routing === undefined ? undefined : { revision: routing.table.revision, origin: routing.origin });
  const reporter = new EdgeReporter({
    events,
    edgeId,
    intervalMs: options.reportIntervalMs ?? 2000,
    now,
    applied,
    nodeStats: () => health.takeStats(),
    traffic: () => traffic.take(),
    logger,
  });
  const ready = () => readiness({ applied: applied(), now: now(), waitingFor: waitingFor(), noSavedTable: options.noSavedTable });
  // With an admin listener, metrics (which name every node) are not served to clients.
  const clientStatus = createStatusEndpoints({ registry, readiness: ready, metrics: config.adminPort === undefined });
  const adminStatus = createStatusEndpoints({ registry, readiness: ready, metrics: true });
  /** Nodes left out of the table for their URL, by "id url": each is reported once, not on every table. */
  const unusable = new Set<string>();

  function inFlightByNode(): [string, number][] {
    const state = routing;
    return state === undefined ? [] : [...state.targets.keys()].map((id) => [id, health.inFlight(id)]);
  }

  function onUnusable(node: RouteNode, reason: string): void {
    const key = `${node.id} ${node.url}`;
    if (unusable.has(key)) return;
    unusable.add(key);
    metrics.routingRejected.inc({ stage: 'url' });
    logger.error(`Not routing to node ${node.id}: ${reason}; the other nodes of the table are served`);
  }

  /** Every table from the source is live and replaces whatever is in use, a saved table too, whatever its revision. */
  function applyTable(table: RoutingTable, origin: TableOrigin = LIVE_TABLE): void {
    if (closed) return;
    let next: RoutingState;
    try {
      next = buildRoutingState(table, agents, { edgeCacheEnabled, strategy: config.lbStrategy, panic: config.panicRouting }, onUnusable, origin);
    } catch (err) {
      logger.error({ err }, `Rejected routing revision ${table.revision}; keeping revision ${routing?.table.revision ?? 'none'}`);
      return;
    }
    const previous = routing;
    routing = next;
    loads.follow(table);
    const nodeIds = new Set(next.targets.keys());
    health.retain(nodeIds);
    metrics.upstream.retain(nodeIds);
    lastUpdate = now();
    for (const line of tableTransitionLines(next, previous, now(), waitingFor())) logger[line.level](line.message);
    metrics.routingRevision.set(table.revision);
    metrics.tablesApplied.inc();
    if (previous === undefined || previous.cacheOn !== next.cacheOn) switchCache(next);
    if (origin.source === 'live') saveApplied(table);
    reporter.report();
  }

  /** A listener that throws must not undo a table already in use. */
  function saveApplied(table: RoutingTable): void {
    try {
      options.onTableApplied?.(table, now());
    } catch (err) {
      logger.error({ err }, `The listener of applied routing tables failed on revision ${table.revision}`);
    }
  }

  function switchCache(next: RoutingState): void {
    if (next.cacheOn) {
      logger.info(`Cache enabled (TTL ${config.cacheTime} s)`);
      return;
    }
    const why = edgeCacheEnabled ? 'by the control plane' : 'by --disable-cache';
    // Entries kept while off would be served stale the moment it is switched back on.
    const dropped = memory.entries;
    memory.clear();
    if (dropped > 0) metrics.cacheClears.inc();
    logger.info(`Cache disabled ${why}; ${dropped} cached entries dropped`);
  }

  /** A client's X-Request-Id that could not be kept: counted, and said at DEBUG (not quoted: it may be anything). */
  function replacedRequestId(requestId: string, given: string | string[]): void {
    metrics.requestIdsReplaced.inc();
    logger.debug(`Replaced an unusable X-Request-Id (${given.length} ${Array.isArray(given) ? 'values' : 'characters'}) by ${requestId}`);
  }

  /** Access line and metrics, once per /cdn request, whether it finished or was cut short. */
  function onExchangeClosed(this: ResponseWithExchange): void {
    const exchange = this[EXCHANGE]!;
    const elapsedMs = performance.now() - exchange.startedAt;
    // 499 (as nginx): the client left before any answer was sent.
    const statusCode = this.headersSent ? this.statusCode : 499;
    const sent = bytesSent(this);
    const received = bytesReceived(this.req);
    metrics.requests.record(exchange.method, statusCode, exchange.cache, elapsedMs / 1000, sent, received);
    traffic.record(exchange.nodeId, statusCode, exchange.cache, elapsedMs, sent, received);
    if (!requestLog.json) return requestLog.info(formatAccessLine(exchange.method, exchange.path, statusCode, exchange.cache, exchange.nodeId, elapsedMs));
    const { req } = this;
    const client = forwarding.clientOf(req.headers, req.socket.remoteAddress);
    requestLog.info(ACCESS_MESSAGE, formatAccessFields({ ...exchange, status: statusCode, bytes: sent, elapsedMs, client }));
  }

  function serveCdn(req: http.IncomingMessage, res: http.ServerResponse, url: string): void {
    // One spelling per resource from here on: the cache key, the node's path, invalidations and purges agree.
    const target = normalizeCdnTarget(url);
    // The id the node gets too (the forwarder sets it): a client's unusable one is replaced.
    const given = req.headers['x-request-id'];
    const requestId = requestIds.keepOrMake(given);
    if (given !== undefined && requestId !== given) replacedRequestId(requestId, given);
    const exchange = newExchange(req.method ?? 'GET', target ?? url, performance.now(), requestId);
    (res as ResponseWithExchange)[EXCHANGE] = exchange;
    // 'close' comes once per response: on(), not once(), spares a wrapper per request.
    res.on('close', onExchangeClosed);
    if (target === undefined) return sendError(res, 'invalid_path');
    if (target !== url) {
      metrics.pathsNormalized.inc();
      logger.debug(`Normalised the path ${url} to ${target}`);
    }

    const state = routing;
    if (state === undefined) return sendError(res, 'not_ready');
    if (state.cacheOn && (exchange.method === 'GET' || exchange.method === 'HEAD')) return flow.serve(req, res, exchange, state);
    passThrough.pass(req, res, exchange, state);
  }

  return {
    handle(req, res) {
      const url = req.url ?? '/';
      if (url.length > MAX_URL_LENGTH) {
        logger.warn(`Rejected a ${req.method} request whose URL is ${url.length} bytes long (limit ${MAX_URL_LENGTH})`);
        return sendError(res, 'uri_too_long');
      }
      // Origin-form /cdn/ only: an absolute-form target ("GET http://elsewhere/ HTTP/1.1") is never proxied.
      if (url.startsWith(CDN_PREFIX)) return serveCdn(req, res, url);
      clientStatus.serve(req, res, url);
    },
    handleAdmin(req, res) {
      adminStatus.serve(req, res, req.url ?? '/');
    },
    async start() {
      reporter.start();
      unsubscribe.push(options.cacheCommands.subscribe(onCacheCommand), options.nodeLoads.subscribe((update) => loads.update(update)));
      const saved = options.savedTable;
      if (saved) {
        // Before the source starts: whatever it delivers, even at once, is newer knowledge and replaces it.
        if (saved.leftOut > 0) metrics.routingRejected.inc({ stage: 'saved' }, saved.leftOut);
        applyTable(saved.table, { source: 'saved', savedAt: saved.savedAt, from: saved.from });
      }
      // Entries that fail the routing schema are left out by the source, which logs each once; they are counted here.
      source.start((table) => applyTable(table), { onRejected: () => metrics.routingRejected.inc({ stage: 'schema' }) }).catch((err: unknown) => logger.error({ err }, 'The routing source failed to start'));
      logger.info(`Edge ${edgeId} following the routing table (cache ${edgeCacheEnabled ? `on, TTL ${config.cacheTime} s` : 'off by --disable-cache'}, upstream timeout ${config.upstreamTimeout} s)`);
      logger.info(
        `Memory cache of ${config.cacheMaxBytes} bytes, objects up to ${config.cacheMaxObject} bytes; each entry counts its body, ` +
          `headers and key plus about ${ENTRY_OVERHEAD + BODY_OVERHEAD} bytes for the objects that hold them`,
      );
      // An idle timeout shorter than the upstream timeout cuts a client off while its node is still thinking.
      if (config.idleTimeout < config.upstreamTimeout) {
        logger.warn(`--idle-timeout (${config.idleTimeout} s) is shorter than --upstream-timeout (${config.upstreamTimeout} s): clients waiting that long for a node are disconnected first`);
      }
      logger.info(
        forwarding.trustsProxies
          ? `X-Forwarded-*, Forwarded and X-Real-IP are kept from trusted proxies (${config.trustedProxies.join(', ')}) and replaced for other clients`
          : 'X-Forwarded-*, Forwarded and X-Real-IP from clients are replaced by the edge\'s own (no --trusted-proxy)',
      );
    },
    async close() {
      closed = true;
      reporter.stop();
      agents.http.destroy();
      agents.https.destroy();
      for (const stop of unsubscribe) stop();
      await cache.close();
    },
  };
}
