import { LATENCY_BOUNDS_MS } from '@cdn/shared';

/**
 * The q-quantile (0 < q <= 1) of a latency histogram counted in the buckets of LATENCY_BOUNDS_MS, in ms: the
 * bucket holding the rank q × count, interpolated linearly between its bounds (the first bucket starts at 0).
 * Histograms merged from many edges give the same answer as one edge seeing all their requests. Ranks in the
 * last bucket (slower than the highest bound) answer that bound: nothing says how much slower they were.
 * Null for an empty histogram.
 */
export function latencyPercentile(counts: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i];
    if (inBucket > 0 && below + inBucket >= rank) {
      if (i >= LATENCY_BOUNDS_MS.length) return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper = LATENCY_BOUNDS_MS[i];
      return lower + ((upper - lower) * (rank - below)) / inBucket;
    }
    below += inBucket;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}
