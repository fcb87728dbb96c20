import { describe, expect, it } from 'vitest';
import { LATENCY_BOUNDS_MS, LATENCY_BUCKETS, latencyBucket } from '@cdn/shared';
import { latencyPercentile } from './latency-percentile';

/** A histogram counting `ms` `times` times, for each [ms, times]. */
function histogram(...observations: [number, number][]): number[] {
  const counts = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const [ms, times] of observations) counts[latencyBucket(ms)] += times;
  return counts;
}

function merge(...histograms: number[][]): number[] {
  return histograms[0].map((_, i) => histograms.reduce((sum, h) => sum + h[i], 0));
}

describe('latencyBucket', () => {
  it('counts a latency in the first bucket whose bound is at least it', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(0.25)).toBe(0);
    expect(latencyBucket(0.26)).toBe(1);
    expect(latencyBucket(10)).toBe(LATENCY_BOUNDS_MS.indexOf(10));
    expect(latencyBucket(10.01)).toBe(LATENCY_BOUNDS_MS.indexOf(15));
  });

  it('counts anything slower than the last bound in the extra last bucket', () => {
    expect(latencyBucket(60_001)).toBe(LATENCY_BUCKETS - 1);
  });
});

describe('latencyPercentile', () => {
  it('is null without requests', () => {
    expect(latencyPercentile(histogram(), 0.5)).toBeNull();
  });

  it('interpolates within the bucket holding the rank', () => {
    // 100 requests between 10 and 15 ms: the median is halfway through that bucket.
    expect(latencyPercentile(histogram([12, 100]), 0.5)).toBeCloseTo(12.5);
    expect(latencyPercentile(histogram([12, 100]), 0.9)).toBeCloseTo(14.5);
  });

  it('starts the first bucket at zero', () => {
    expect(latencyPercentile(histogram([0.1, 10]), 0.5)).toBeCloseTo(0.125);
  });

  it('finds the bucket by cumulative count', () => {
    // 90 fast (<= 1 ms, bucket 0.5-1) and 10 slow (150-200 ms): p50 is fast, p99 slow.
    const h = histogram([0.8, 90], [180, 10]);
    expect(latencyPercentile(h, 0.5)).toBeCloseTo(0.5 + 0.5 * (50 / 90));
    expect(latencyPercentile(h, 0.99)).toBeCloseTo(150 + 50 * (9 / 10));
  });

  it('answers the highest bound for ranks slower than it', () => {
    expect(latencyPercentile(histogram([90_000, 3]), 0.99)).toBe(60_000);
  });

  it('gives the same answer for histograms merged from several edges as for one edge seeing all', () => {
    const a = histogram([0.8, 40], [12, 5]);
    const b = histogram([0.8, 50], [180, 5]);
    const both = histogram([0.8, 90], [12, 5], [180, 5]);
    for (const q of [0.5, 0.9, 0.99]) expect(latencyPercentile(merge(a, b), q)).toBe(latencyPercentile(both, q));
  });
});
