import type { TrafficCounts } from '@cdn/shared';
import { latencyPercentile } from './latency-percentile';
import type { SeriesPoint, Stats } from './stats-report';

/** A window's figures as GET /stats shows them; `seconds` is how long the window covers (at least 1). */
export function toStats(totals: TrafficCounts, seconds: number): Stats {
  const { requests } = totals;
  const some = requests > 0;
  return {
    requests,
    requests_per_second: round(requests / Math.max(1, seconds), 3),
    hits: totals.hits,
    hit_ratio: some ? round(totals.hits / requests, 4) : null,
    bytes_sent: totals.bytesSent,
    bytes_received: totals.bytesReceived,
    errors: totals.errors,
    error_ratio: some ? round(totals.errors / requests, 4) : null,
    latency_ms: {
      p50: ms(latencyPercentile(totals.latency, 0.5)),
      p90: ms(latencyPercentile(totals.latency, 0.9)),
      p99: ms(latencyPercentile(totals.latency, 0.99)),
    },
  };
}

export function toSeriesPoint(start: number, totals: TrafficCounts): SeriesPoint {
  return {
    t: new Date(start).toISOString(),
    requests: totals.requests,
    hits: totals.hits,
    bytes_sent: totals.bytesSent,
    errors: totals.errors,
    p50_ms: ms(latencyPercentile(totals.latency, 0.5)),
    p99_ms: ms(latencyPercentile(totals.latency, 0.99)),
  };
}

function ms(value: number | null): number | null {
  return value === null ? null : round(value, 3);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
