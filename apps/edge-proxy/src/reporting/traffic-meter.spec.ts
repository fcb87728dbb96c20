import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, latencyBucket } from '@cdn/shared';
import { TrafficMeter } from './traffic-meter';

function latency(...ms: number[]): number[] {
  const counts = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const value of ms) counts[latencyBucket(value)]++;
  return counts;
}

describe('TrafficMeter', () => {
  it('counts each finished request in the total and for the node whose answer was served', () => {
    const meter = new TrafficMeter();
    meter.record('n1', 200, 'MISS', 12, 1024, 0);
    meter.record('n1', 200, 'HIT', 0.3, 1024, 0);
    meter.record('n2', 502, 'BYPASS', 40, 80, 10);
    meter.record(undefined, 503, 'BYPASS', 0.1, 60, 0);
    const { total, nodes } = meter.take();
    expect(total).toEqual({ requests: 4, hits: 1, bytesSent: 2188, bytesReceived: 10, errors: 2, latency: latency(12, 0.3, 40, 0.1) });
    expect(nodes).toEqual({
      n1: { requests: 2, hits: 1, bytesSent: 2048, bytesReceived: 0, errors: 0, latency: latency(12, 0.3) },
      n2: { requests: 1, hits: 0, bytesSent: 80, bytesReceived: 10, errors: 1, latency: latency(40) },
    });
  });

  it('counts STALE and REVALIDATED answers as hits: their body came from the cache', () => {
    const meter = new TrafficMeter();
    for (const cache of ['HIT', 'STALE', 'REVALIDATED', 'MISS', 'BYPASS'] as const) meter.record('n1', 200, cache, 1, 0, 0);
    expect(meter.take().total.hits).toBe(3);
  });

  it('reports only what came since the previous report, and leaves out nodes idle meanwhile', () => {
    const meter = new TrafficMeter();
    meter.record('n1', 200, 'MISS', 1, 1, 0);
    meter.take();
    meter.record('n2', 200, 'MISS', 1, 1, 0);
    const second = meter.take();
    expect(second.total.requests).toBe(1);
    expect(Object.keys(second.nodes ?? {})).toEqual(['n2']);
    const third = meter.take();
    expect(third.total.requests).toBe(0);
    expect(third.nodes).toBeUndefined();
  });
});
