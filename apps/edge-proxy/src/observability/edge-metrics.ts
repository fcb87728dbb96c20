import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TableOrigin, tableAgeSeconds } from '../routing/table-origin';
import { BoundCounter, BoundHistogram } from './bound-metrics';
import { RequestMetrics } from './request-metrics';
import { UpstreamMetrics } from './upstream-metrics';

/** The edge's metrics; every name starts with cdn_edge_ because the all-in-one shares one registry. */
export interface EdgeMetrics {
  /** cdn_edge_requests_total, cdn_edge_request_duration_seconds and the body bytes both ways, once per /cdn request. */
  requests: RequestMetrics;
  /** Answers, durations and failed forwards per node. */
  upstream: UpstreamMetrics;
  routingRevision: Gauge;
  tablesApplied: Counter;
  routingRejected: Counter<'stage'>;
  cacheStores: Counter;
  cacheClears: Counter;
  cacheLookups: BoundCounter<'tier' | 'result'>;
  coalesced: Counter;
  variantSelections: BoundCounter<'by'>;
  setCookieWithheld: Counter;
  notStored: Counter<'reason'>;
  targetedDirectives: Counter<'field'>;
  heuristicFreshness: Counter;
  staleServed: Counter<'reason'>;
  revalidations: Counter<'result'>;
  partialContent: Counter<'result'>;
  backgroundRefreshes: Counter<'result'>;
  invalidations: Counter<'source'>;
  purgedEntries: Counter;
  warmFetches: Counter<'result'>;
  commandRepeats: Counter<'type' | 'result'>;
  sharedTierFailures: Counter<'kind' | 'operation'>;
  sharedTierDuration: Histogram<'operation'>;
  sharedTopologyChanges: Counter;
  retries: Counter<'reason'>;
  interimResponses: Counter<'status'>;
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

/** The shared tier's size, read on scrape; undefined when there is no shared tier, or this process does not report it. */
export type SharedSize = (() => Promise<{ keys: number; bytes: number } | undefined>) | undefined;

/** What the routing-table gauges read on each scrape: where the table in use came from, when it was applied, and the clock. */
export interface TableInUse {
  origin(): TableOrigin | undefined;
  /** When this edge last applied a table, or started if it has none yet (ms, the clock of now()). */
  lastUpdate(): number;
  now(): number;
}

/** What the in-flight gauge reads on each scrape: requests in flight to each node of the table in use. */
export type InFlightByNode = () => Iterable<readonly [node: string, inFlight: number]>;

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createEdgeMetrics(registry: Registry, cache: CacheSize, table: TableInUse, inFlight: InFlightByNode, sharedSize?: SharedSize): EdgeMetrics {
  const registers = [registry];
  registerCacheGauges(registers, cache, sharedSize);
  registerTableGauges(registers, table);
  registerInFlightGauge(registers, inFlight);
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) => new Counter<L>({ name: `cdn_edge_${name}`, help, labelNames, registers });
  return {
    requests: new RequestMetrics({
      requests: new BoundCounter({ name: 'cdn_edge_requests_total', help: 'Requests to /cdn/ by method, status (the exact code) and X-Cache (HIT, MISS, STALE, REVALIDATED, BYPASS)', labelNames: ['method', 'status', 'cache'], registers }),
      duration: new BoundHistogram({ name: 'cdn_edge_request_duration_seconds', help: 'Time from request to the end of the answer, by X-Cache', labelNames: ['cache'], buckets: SECONDS_BUCKETS, registers }),
      sentBytes: new BoundCounter({ name: 'cdn_edge_sent_bytes_total', help: 'Response body bytes sent to clients of /cdn/, by X-Cache', labelNames: ['cache'], registers }),
      receivedBytes: new BoundCounter({ name: 'cdn_edge_received_bytes_total', help: 'Request body bytes read from clients of /cdn/', registers }),
    }),
    upstream: new UpstreamMetrics(
      new BoundCounter({ name: 'cdn_edge_upstream_requests_total', help: 'Answers from nodes (after the response headers), by node and status class (2xx, 3xx, 4xx, 5xx)', labelNames: ['node', 'status_class'], registers }),
      new BoundHistogram({ name: 'cdn_edge_upstream_duration_seconds', help: 'Time from sending a request to a node to its response headers, by node', labelNames: ['node'], buckets: SECONDS_BUCKETS, registers }),
      counter('upstream_errors_total', 'Failed forwards by node and error code', ['node', 'code']),
      counter(
        'upstream_protocol_errors_total',
        'Answers and connections of a node that broke HTTP/1.1 framing, by node and reason (excess_bytes: bytes past an answer\'s end; malformed_body; bytes_while_idle: bytes on a pooled connection with no request; garbage_on_reused_connection: such bytes met by the next request, which is sent again on a new connection)',
        ['node', 'reason'],
      ),
    ),
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
    variantSelections: new BoundCounter({
      name: 'cdn_edge_cache_variant_selections_total',
      help: 'Stored variants found for requests to answers that vary (Vary), by how the variant was found: exact (the request\'s own normalised selecting headers) or content_language (a stored variant in the language the request ranks first)',
      labelNames: ['by'],
      registers,
    }),
    setCookieWithheld: counter(
      'cache_set_cookie_withheld_total',
      'Answers with Set-Cookie given to a client without it, because the fetch (or revalidation) was made for another client\'s request (coalesced followers)',
    ),
    notStored: counter('cache_not_stored_total', 'Answers to cacheable requests that were not stored, by reason', ['reason']),
    targetedDirectives: counter(
      'cache_targeted_directives_total',
      'Answers whose caching a targeted field decided instead of Cache-Control and Expires (RFC 9213), by field (cdn-cache-control, or the --cache-control-target name)',
      ['field'],
    ),
    heuristicFreshness: counter('cache_heuristic_freshness_total', 'Answers found storable with heuristic freshness from Last-Modified (RFC 9111 §4.2.2; --cache-time 0)'),
    staleServed: counter('cache_stale_served_total', 'Stale answers served, by reason (while-revalidate, if-error)', ['reason']),
    revalidations: counter('cache_revalidations_total', 'Stale entries revalidated with a node, by result (not-modified, modified)', ['result']),
    partialContent: counter(
      'cache_partial_total',
      'Partial (206) entries, by result: stored, served (a range answered from one), completed (made whole by a request for the rest or an adjacent range), discarded (the node\'s answer to a completion was another representation or range)',
      ['result'],
    ),
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
    sharedTierDuration: new Histogram({
      name: 'cdn_edge_cache_shared_duration_seconds',
      help: 'Time of shared (Redis) cache operations, whatever their result, by operation (get, set, getVary, setVary, getLanguages, addLanguage, invalidate, purge)',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
      registers,
    }),
    sharedTopologyChanges: counter(
      'cache_shared_topology_changes_total',
      'Times the slot map of the shared Redis Cluster changed (a failover, a resharding, a node joined or left; each change is logged at DEBUG)',
    ),
    retries: counter('retries_total', 'Requests sent again after a failed attempt, to another node or (reason garbage_on_reused_connection) on a new connection to the same node, by reason', ['reason']),
    interimResponses: counter('interim_responses_total', 'Interim (1xx) answers from nodes, by status (102, 103; 1xx for the others); passed on to the clients still waiting for their answer\'s headers, HTTP/1.1 clients only', ['status']),
    ejections: counter('node_ejections_total', 'Nodes taken out of this edge\'s rotation by passive health checks'),
    panicRouted: counter('panic_routed_total', 'Requests sent to an unhealthy node because no healthy one was left (panic routing)'),
    requestIdsReplaced: counter('request_ids_replaced_total', 'Requests whose X-Request-Id was unusable (over 128 characters, or not visible ASCII) and replaced by one the edge made'),
    pathsNormalized: counter('paths_normalized_total', 'Requests whose path was rewritten to its normal form (merged slashes, dot segments, percent-encoding) before lookup and forwarding'),
    forgedForwardingHeaders: counter('forged_forwarding_headers_total', 'Requests from a client that is not a --trusted-proxy whose X-Forwarded-*, Forwarded or X-Real-IP headers were dropped'),
  };
}

/**
 * Read on scrape, so the request path never updates them. The shared tier's figures are one Redis asked once per
 * scrape (both gauges share the answer); while it does not answer, its series are left out.
 */
function registerCacheGauges(registers: Registry[], cache: CacheSize, sharedSize: SharedSize): void {
  let asking: Promise<{ keys: number; bytes: number } | undefined> | undefined;
  const shared = () => {
    if (sharedSize === undefined) return Promise.resolve(undefined);
    asking ??= sharedSize().finally(() => setImmediate(() => (asking = undefined)));
    return asking;
  };
  new Gauge({
    name: 'cdn_edge_cache_entries',
    help: 'Entries held by a cache tier: memory; shared, the keys of its Redis (entries and the indexes that find them)',
    labelNames: ['tier'],
    registers,
    async collect() {
      this.reset();
      this.set({ tier: 'memory' }, cache.entries);
      const size = await shared();
      if (size) this.set({ tier: 'shared' }, size.keys);
    },
  });
  new Gauge({
    name: 'cdn_edge_cache_bytes',
    help: 'Bytes held by a cache tier: memory, its bodies, headers, keys and the objects that hold them; shared, the memory its Redis uses',
    labelNames: ['tier'],
    registers,
    async collect() {
      this.reset();
      this.set({ tier: 'memory' }, cache.bytes);
      const size = await shared();
      if (size) this.set({ tier: 'shared' }, size.bytes);
    },
  });
}

/** Read on scrape: the table's nodes, from passive health's own count. */
function registerInFlightGauge(registers: Registry[], inFlight: InFlightByNode): void {
  new Gauge({
    name: 'cdn_edge_upstream_in_flight',
    help: 'Requests sent to a node and not answered or over yet, by node (nodes of the routing table in use)',
    labelNames: ['node'],
    registers,
    collect() {
      // Nodes that left the table leave the gauge too.
      this.reset();
      for (const [node, count] of inFlight()) this.set({ node }, count);
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
    name: 'cdn_edge_routing_last_update_age_seconds',
    help: 'Seconds since this edge last applied a routing table (since it started, before the first)',
    registers,
    // With --workers: the worker that has waited longest.
    aggregator: 'max',
    collect() {
      this.set(Math.max(0, (table.now() - table.lastUpdate()) / 1000));
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
