import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerProcessMetrics } from './process-metrics';

describe('registerProcessMetrics', () => {
  it('registers the standard process metrics without a prefix and without gauges named _total', async () => {
    const registry = new Registry();
    registerProcessMetrics(registry);
    const metrics = await registry.getMetricsAsJSON();
    const names = metrics.map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_active_handles', 'nodejs_active_requests']));
    for (const metric of metrics) if (metric.name.endsWith('_total')) expect(metric.type, metric.name).toBe('counter');
    expect(names.filter((name) => !/^(process|nodejs)_/.test(name))).toEqual([]);
  });
});
