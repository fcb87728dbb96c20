/** The body of `GET /stats`: client traffic the edges reported, over fixed windows. */
export interface StatsReport {
  generated_at: string;
  windows: Record<StatsWindowName, StatsWindow>;
  /** The last 5 minutes of totals, oldest first; the last point is the period still filling. */
  series: { interval_seconds: number; points: SeriesPoint[] };
}

export type StatsWindowName = '1m' | '5m' | '1h';

/** One window: all edges together, per node that answered, per reporting edge. */
export interface StatsWindow {
  total: Stats;
  nodes: Record<string, Stats>;
  edges: Record<string, Stats>;
}

export interface Stats {
  requests: number;
  /** requests over the seconds the window covers (less than its length while this control plane is younger). */
  requests_per_second: number;
  /** Answers from the cache: X-Cache HIT, STALE or REVALIDATED. */
  hits: number;
  /** hits / requests; null without requests. */
  hit_ratio: number | null;
  /** Response body bytes sent to clients. */
  bytes_sent: number;
  /** Request body bytes read from clients. */
  bytes_received: number;
  /** 5xx answers to clients. */
  errors: number;
  /** errors / requests; null without requests. */
  error_ratio: number | null;
  /** Request duration percentiles in ms, interpolated within the merged latency buckets; null without requests. */
  latency_ms: { p50: number | null; p90: number | null; p99: number | null };
}

export interface SeriesPoint {
  /** Start of the period. */
  t: string;
  requests: number;
  hits: number;
  bytes_sent: number;
  errors: number;
  p50_ms: number | null;
  p99_ms: number | null;
}
