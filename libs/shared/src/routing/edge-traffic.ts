import { z } from 'zod';
import { nodeIdSchema } from '../node';

/**
 * Upper bounds (ms, inclusive) of the latency buckets edges count requests in. One list for every edge and the
 * control plane, so that histograms from many edges and reports add up bucket by bucket. A request slower than
 * the last bound counts in one more bucket after them.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000, 60000,
];

/** Buckets per latency histogram: one per bound, and one for anything slower. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** The bucket a latency of `ms` counts in: a binary search over LATENCY_BOUNDS_MS, no allocation. */
export function latencyBucket(ms: number): number {
  let low = 0;
  let high = LATENCY_BOUNDS_MS.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ms <= LATENCY_BOUNDS_MS[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Client traffic an edge served over one report interval, for the whole edge or for one node. */
export interface EdgeTraffic {
  /** Requests to /cdn/ that finished. */
  requests: number;
  /** Of those, answered from the cache (X-Cache HIT, STALE or REVALIDATED). */
  hits: number;
  /** Response body bytes sent to clients. */
  bytesSent: number;
  /** Request body bytes read from clients. */
  bytesReceived: number;
  /** Answers with a 5xx status. */
  errors: number;
  /** Requests per latency bucket (LATENCY_BOUNDS_MS), from arrival to the end of the answer. */
  latency: number[];
}

/**
 * The figures of an EdgeTraffic as numbers and a typed array, to add to without allocating: an edge counts its
 * requests in them, and the control plane sums reports in them.
 */
export class TrafficCounts {
  requests = 0;
  hits = 0;
  bytesSent = 0;
  bytesReceived = 0;
  errors = 0;
  readonly latency = new Float64Array(LATENCY_BUCKETS);

  reset(): this {
    this.requests = this.hits = this.bytesSent = this.bytesReceived = this.errors = 0;
    this.latency.fill(0);
    return this;
  }
}

/** An edge's traffic since its previous report: in total, and per node that answered (or whose cached answer was served). */
export interface EdgeTrafficReport {
  total: EdgeTraffic;
  /** Only nodes with requests in the interval. Requests no node answered count in `total` only. */
  nodes?: Record<string, EdgeTraffic>;
}

/** Most nodes one report may carry: more than any table holds, few enough to bound what a receiver parses. */
export const MAX_TRAFFIC_NODES = 10_000;

const count = z.number().finite().nonnegative();

export const edgeTrafficSchema: z.ZodType<EdgeTraffic> = z.object({
  requests: count,
  hits: count,
  bytesSent: count,
  bytesReceived: count,
  errors: count,
  latency: z.array(count).length(LATENCY_BUCKETS),
});

export const edgeTrafficReportSchema: z.ZodType<EdgeTrafficReport> = z.object({
  total: edgeTrafficSchema,
  nodes: z
    .record(nodeIdSchema, edgeTrafficSchema)
    .refine((nodes) => Object.keys(nodes).length <= MAX_TRAFFIC_NODES, `at most ${MAX_TRAFFIC_NODES} nodes`)
    .optional(),
});
