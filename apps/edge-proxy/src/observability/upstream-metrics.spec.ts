import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundCounter, BoundHistogram } from './bound-metrics';
import { statusClassIndex, UpstreamMetrics } from './upstream-metrics';

function upstreamMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const metrics = new UpstreamMetrics(
    new BoundCounter({ name: 'answers_total', help: 'a', labelNames: ['node', 'status_class'], registers }),
    new BoundHistogram({ name: 'duration_seconds', help: 'd', labelNames: ['node'], buckets: [0.01, 0.1], registers }),
    new Counter({ name: 'errors_total', help: 'e', labelNames: ['node', 'code'], registers }),
    new Counter({ name: 'protocol_errors_total', help: 'p', labelNames: ['node', 'reason'], registers }),
  );
  return { registry, metrics };
}

describe('upstream metrics', () => {
  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [101, '2xx'],
    [304, '3xx'],
    [404, '4xx'],
    [503, '5xx'],
    [799, '5xx'],
  ])('status %i counts as %s', (status, statusClass) => {
    expect(['2xx', '3xx', '4xx', '5xx'][statusClassIndex(status)]).toBe(statusClass);
  });

  it('counts answers by node and status class, and times them', async () => {
    const { registry, metrics } = upstreamMetrics();
    metrics.answered('a', 200, 0.005);
    metrics.answered('a', 200, 0.05);
    metrics.answered('a', 502, 0.5);
    metrics.answered('b', 304, 0.005);
    const text = await registry.metrics();
    expect(text).toContain('answers_total{node="a",status_class="2xx"} 2');
    expect(text).toContain('answers_total{node="a",status_class="5xx"} 1');
    expect(text).toContain('answers_total{node="b",status_class="3xx"} 1');
    expect(text).toContain('duration_seconds_bucket{le="0.01",node="a"} 1');
    expect(text).toContain('duration_seconds_count{node="a"} 3');
  });

  it('drops every series of the nodes left out of the table, and keeps the others', async () => {
    const { registry, metrics } = upstreamMetrics();
    metrics.answered('stays', 200, 0.005);
    metrics.answered('leaves', 200, 0.005);
    metrics.failed('leaves', 'ECONNRESET');
    metrics.failed('stays', 'ETIMEDOUT');
    metrics.protocolError('leaves', 'excess_bytes');
    metrics.protocolError('stays', 'bytes_while_idle');
    await registry.metrics();
    metrics.retain(new Set(['stays']));
    const text = await registry.metrics();
    expect(text).not.toContain('leaves');
    expect(text).toContain('answers_total{node="stays",status_class="2xx"} 1');
    expect(text).toContain('errors_total{node="stays",code="ETIMEDOUT"} 1');
    expect(text).toContain('protocol_errors_total{node="stays",reason="bytes_while_idle"} 1');
    // A node that comes back starts its series again.
    metrics.answered('leaves', 404, 0.005);
    expect(await registry.metrics()).toContain('answers_total{node="leaves",status_class="4xx"} 1');
  });
});
