import { Counter, Gauge, Registry } from 'prom-client';
import { TableOrigin, tableAgeSeconds } from '../routing/table-origin';
import { BoundCounter, BoundHistogram } from './bound-metrics';
import { RequestMetrics } from './request-metrics';

/** The edge's metrics; every name starts with cdn_edge_ because the all-in-one shares one registry. */
export interface EdgeMetrics {
  /** cdn_edge_requests_total and cdn_edge_request_duration_seconds, once per /cdn request. */
  requests: RequestMetrics;
  upstreamErrors: Counter<'node' | 'code'>;
  routingRevision: Gauge;
  tablesApplied: Counter;
  routingRejected: Counter<'stage'>;
  cacheStores: Counter;
  cacheClears: Counter;
  cacheLookups: BoundCounter<'tier' | 'result'>;
  coalesced: Counter;
  notStored: Counter<'reason'>;
  staleServed: Counter<'reason'>;
  revalidations: Counter<'result'>;
  backgroundRefreshes: Counter<'result'>;
  invalidations: Counter<'source'>;
  purgedEntries: Counter;
  warmFetches: Counter<'result'>;
  commandRepeats: Counter<'type' | 'result'>;
  sharedTierFailures: Counter<'kind' | 'operation'>;
  sharedTopologyChanges: Counter;
  retries: Counter<'reason'>;
  ejections: Counter;
  panicRouted: Counter;
  forgedForwardingHeaders: Counter;
  pathsNormalized: Counter;
  requestIdsReplaced: Counter;
}

/** What the cache gauges read on each scrape. */
export interface CacheSize {
  readonly entries: number;
  readonly bytes: number;
}

/** What the routing-table gauges read on each scrape: where the table in use came from, and the clock. */
export interface TableInUse {
  origin(): TableOrigin | undefined;
  now(): number;
}

export function createEdgeMetrics(registry: Registry, cache: CacheSize, table: TableInUse): EdgeMetrics {
  const registers = [registry];
  registerCacheGauges(registers, cache);
  registerTableGauges(registers, table);
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) => new Counter<L>({ name: `cdn_edge_${name}`, help, labelNames, registers });
  return {
    requests: new RequestMetrics(
      new BoundCounter({ name: 'cdn_edge_requests_total', help: 'Requests to /cdn/ by method, status and X-Cache', labelNames: ['method', 'status', 'cache'], registers }),
      new BoundHistogram({
        name: 'cdn_edge_request_duration_seconds',
        help: 'Time from request to the end of the answer, by X-Cache',
        labelNames: ['cache'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
    ),
    upstreamErrors: counter('upstream_errors_total', 'Failed forwards by node and error code', ['node', 'code']),
    // With --workers, the lowest revision any worker serves: a worker behind shows.
    routingRevision: new Gauge({ name: 'cdn_edge_routing_revision', help: 'Revision of the routing table in use', registers, aggregator: 'min' }),
    tablesApplied: counter('routing_tables_applied_total', 'Routing tables applied'),
    routingRejected: counter(
      'routing_rejected_entries_total',
      'Routing entries ignored, once per key and revision: by the routing schema (stage="schema"; stage="saved" for entries of the table saved in --state-dir) or because this edge cannot reach the node by its URL (stage="url")',
      ['stage'],
    ),
    cacheStores: counter('cache_stores_total', 'Answers stored in the cache'),
    cacheClears: counter('cache_clears_total', 'Times the memory cache was emptied because it was switched off'),
    cacheLookups: new BoundCounter({ name: 'cdn_edge_cache_lookups_total', help: 'Cache lookups by tier (memory, shared) and result (hit, miss, unavailable)', labelNames: ['tier', 'result'], registers }),
    coalesced: counter('cache_coalesced_total', 'Requests answered from another request\'s fetch of the same key'),
    notStored: counter('cache_not_stored_total', 'Answers to cacheable requests that were not stored, by reason', ['reason']),
    staleServed: counter('cache_stale_served_total', 'Stale answers served, by reason (while-revalidate, if-error)', ['reason']),
    revalidations: counter('cache_revalidations_total', 'Stale entries revalidated with a node, by result (not-modified, modified)', ['result']),
    backgroundRefreshes: counter('cache_background_refreshes_total', 'Background refreshes (stale-while-revalidate), by result', ['result']),
    invalidations: counter('cache_invalidations_total', 'Invalidations after unsafe requests, by source (local, remote)', ['source']),
    purgedEntries: counter('cache_purged_entries_total', 'Entries removed or marked stale by purges'),
    warmFetches: counter('cache_warm_fetches_total', 'Cache-warming fetches, by result', ['result']),
    commandRepeats: counter(
      'cache_command_repeats_total',
      'Purges and warms received again (re-sent by the control plane), by type and result (answered_again: the same receipt went back; running: still being carried out)',
      ['type', 'result'],
    ),
    sharedTierFailures: counter(
      'cache_shared_failures_total',
      'Shared (Redis) cache operations that failed or timed out (kind timeout, error), and connections Redis refused (kind auth: the password; tls: the certificate; config: a cluster node without --cache-redis-cluster, or the reverse)',
      ['kind', 'operation'],
    ),
    sharedTopologyChanges: counter(
      'cache_shared_topology_changes_total',
      'Times the slot map of the shared Redis Cluster changed (a failover, a resharding, a node joined or left; each change is logged at DEBUG)',
    ),
    retries: counter('retries_total', 'Requests sent again to another node after a failed attempt, by reason', ['reason']),
    ejections: counter('node_ejections_total', 'Nodes taken out of this edge\'s rotation by passive health checks'),
    panicRouted: counter('panic_routed_total', 'Requests sent to an unhealthy node because no healthy one was left (panic routing)'),
    requestIdsReplaced: counter('request_ids_replaced_total', 'Requests whose X-Request-Id was unusable (over 128 characters, or not visible ASCII) and replaced by one the edge made'),
    pathsNormalized: counter('paths_normalized_total', 'Requests whose path was rewritten to its normal form (merged slashes, dot segments, percent-encoding) before lookup and forwarding'),
    forgedForwardingHeaders: counter('forged_forwarding_headers_total', 'Requests from a client that is not a --trusted-proxy whose X-Forwarded-*, Forwarded or X-Real-IP headers were dropped'),
  };
}

/** Read on scrape, so the request path never updates them. */
function registerCacheGauges(registers: Registry[], cache: CacheSize): void {
  new Gauge({
    name: 'cdn_edge_cache_entries',
    help: 'Entries in the memory cache',
    registers,
    collect() {
      this.set(cache.entries);
    },
  });
  new Gauge({
    name: 'cdn_edge_cache_bytes',
    help: 'Bytes held by the memory cache',
    registers,
    collect() {
      this.set(cache.bytes);
    },
  });
}

/** Read on scrape: which table is in use (1 for its source, 0 for the other; both 0 before the first) and its age. */
function registerTableGauges(registers: Registry[], table: TableInUse): void {
  new Gauge({
    name: 'cdn_edge_routing_table_source',
    help: 'Where the routing table in use came from: live (the routing source) or saved (--state-dir, until the live table arrives)',
    labelNames: ['source'],
    registers,
    // With --workers: 1 when any worker serves a table from that source.
    aggregator: 'max',
    collect() {
      const source = table.origin()?.source;
      this.set({ source: 'live' }, source === 'live' ? 1 : 0);
      this.set({ source: 'saved' }, source === 'saved' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cdn_edge_routing_table_age_seconds',
    help: 'Seconds since the saved routing table in use was written to --state-dir; 0 for the live table',
    registers,
    aggregator: 'max',
    collect() {
      const origin = table.origin();
      this.set(origin ? tableAgeSeconds(origin, table.now()) : 0);
    },
  });
}
