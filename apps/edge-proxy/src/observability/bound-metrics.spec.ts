import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundCounter, BoundHistogram } from './bound-metrics';

const buckets = [0.001, 0.01, 0.1, 1];
const observations: [string, number][] = [['HIT', 0.0004], ['HIT', 0.002], ['MISS', 0.5], ['HIT', 0.002], ['MISS', 7], ['STALE', 0.01]];

describe('bound metrics', () => {
  it('a bound histogram exports the same series as prom-client for the same observations', async () => {
    const plain = new Registry();
    const bound = new Registry();
    const reference = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['cache'], buckets, registers: [plain] });
    const fast = new BoundHistogram({ name: 'h_seconds', help: 'h', labelNames: ['cache'], buckets, registers: [bound] });
    const cells = new Map(['HIT', 'MISS', 'STALE'].map((cache) => [cache, fast.bind({ cache })]));
    for (const [cache, value] of observations) {
      reference.observe({ cache }, value);
      cells.get(cache)!.observe(value);
    }
    expect(await bound.metrics()).toBe(await plain.metrics());
    // The JSON form is what a cluster's aggregator reads; exemplars are not used.
    const withoutExemplars = async (registry: Registry) =>
      (await registry.getMetricsAsJSON()).map((metric) => ({ ...metric, values: metric.values.map(({ labels, value, metricName }: { labels: object; value: number; metricName?: string }) => ({ labels, value, metricName })) }));
    expect(await withoutExemplars(bound)).toEqual(await withoutExemplars(plain));
  });

  it('a bound counter adds what its cells counted since the last scrape to what plain inc() counted', async () => {
    const registry = new Registry();
    const counter = new BoundCounter({ name: 'c_total', help: 'c', labelNames: ['cache'], registers: [registry] });
    const hits = counter.bind({ cache: 'HIT' });
    hits.inc();
    hits.inc();
    counter.inc({ cache: 'MISS' });
    expect(await registry.metrics()).toContain('c_total{cache="HIT"} 2');
    hits.inc(3);
    counter.inc({ cache: 'HIT' });
    const text = await registry.metrics();
    expect(text).toContain('c_total{cache="HIT"} 6');
    expect(text).toContain('c_total{cache="MISS"} 1');
  });
});
