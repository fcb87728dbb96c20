import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResponseCache } from '../cache/response-cache';

/** The edge's metrics; every name starts with cdn_edge_ because the all-in-one shares one registry. */
export interface EdgeMetrics {
  requests: Counter<'method' | 'status' | 'cache'>;
  duration: Histogram<'cache'>;
  upstreamErrors: Counter<'node' | 'code'>;
  routingRevision: Gauge;
  tablesApplied: Counter;
  cacheStores: Counter;
  cacheClears: Counter;
}

export function createEdgeMetrics(registry: Registry, cache: ResponseCache): EdgeMetrics {
  const registers = [registry];
  registerCacheGauges(registers, cache);
  return {
    requests: new Counter({ name: 'cdn_edge_requests_total', help: 'Requests to /cdn/ by method, status and X-Cache', labelNames: ['method', 'status', 'cache'], registers }),
    duration: new Histogram({
      name: 'cdn_edge_request_duration_seconds',
      help: 'Time from request to the end of the answer, by X-Cache',
      labelNames: ['cache'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    upstreamErrors: new Counter({ name: 'cdn_edge_upstream_errors_total', help: 'Failed forwards by node and error code', labelNames: ['node', 'code'], registers }),
    routingRevision: new Gauge({ name: 'cdn_edge_routing_revision', help: 'Revision of the routing table in use', registers }),
    tablesApplied: new Counter({ name: 'cdn_edge_routing_tables_applied_total', help: 'Routing tables applied', registers }),
    cacheStores: new Counter({ name: 'cdn_edge_cache_stores_total', help: 'Responses stored in the memory cache', registers }),
    cacheClears: new Counter({ name: 'cdn_edge_cache_clears_total', help: 'Times the memory cache was emptied because it was switched off', registers }),
  };
}

/** Read on scrape, so the request path never updates them. */
function registerCacheGauges(registers: Registry[], cache: ResponseCache): void {
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
