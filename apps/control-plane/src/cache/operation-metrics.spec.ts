import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CacheOperation, createOperation, recordLostEdge, recordReceipt } from './cache-operation';
import { OperationLog, OPERATION_TTL_MS } from './operation-log';
import { OperationMetrics } from './operation-metrics';

const T0 = 1_700_000_000_000;
const purge = (id: string, now: number, liveEdges = ['edge-a', 'edge-b']) =>
  createOperation({ id, type: 'purge', request: { urls: ['/cdn/a'], prefixes: [], tags: [], soft: false }, now, liveEdges });
const receipt = (operation: CacheOperation, edgeId: string, applied = true) => ({ operationId: operation.id, edgeId, applied, entriesAffected: 1, errors: [], finishedAt: T0 });

function setUp() {
  let now = T0;
  const registry = new Registry();
  const expired: string[] = [];
  const metrics: OperationMetrics = new OperationMetrics(registry, () => log.pending(), () => now);
  const log = new OperationLog(() => now, OPERATION_TTL_MS, 10, (operation) => {
    expired.push(operation.id);
    metrics.expired(operation.type);
  });
  return { registry, metrics, log, expired, advance: (ms: number) => (now += ms) };
}

describe('cache operation metrics', () => {
  it('counts an operation every edge carried out as completed, with the time it took', async () => {
    const { registry, metrics } = setUp();
    const operation = purge('p1', T0);
    recordReceipt(operation, receipt(operation, 'edge-a'), T0 + 100);
    recordReceipt(operation, receipt(operation, 'edge-b'), T0 + 300);
    metrics.completed(operation);
    const text = await registry.metrics();
    expect(text).toContain('cdn_cp_cache_operations_total{type="purge",result="completed"} 1');
    expect(text).toContain('cdn_cp_cache_operation_duration_seconds_sum{type="purge"} 0.3');
    expect(text).toContain('cdn_cp_cache_operation_duration_seconds_count{type="purge"} 1');
  });

  it('counts one an edge could not carry out, or was lost before answering, as failed', async () => {
    const { registry, metrics } = setUp();
    const refused = purge('p1', T0);
    recordReceipt(refused, receipt(refused, 'edge-a', false), T0);
    recordReceipt(refused, receipt(refused, 'edge-b'), T0);
    metrics.completed(refused);
    const lost = purge('p2', T0);
    recordReceipt(lost, receipt(lost, 'edge-a'), T0);
    recordLostEdge(lost, 'edge-b', T0 + 10_000);
    metrics.completed(lost);
    expect(await registry.metrics()).toContain('cdn_cp_cache_operations_total{type="purge",result="failed"} 2');
  });

  it('counts one dropped while still waiting as expired, and ages the oldest pending', async () => {
    const { registry, log, expired, advance } = setUp();
    log.add(purge('old', T0));
    advance(90_000);
    log.add(purge('new', T0 + 90_000));
    expect(await registry.metrics()).toContain('cdn_cp_cache_operation_oldest_pending_seconds 90');
    advance(OPERATION_TTL_MS - 60_000);
    // The control plane's delivery round looks at the pending operations every few seconds.
    log.pending();
    const text = await registry.metrics();
    expect(expired).toEqual(['old']);
    expect(text).toContain('cdn_cp_cache_operations_total{type="purge",result="expired"} 1');
    expect(text).toContain(`cdn_cp_cache_operation_oldest_pending_seconds ${(OPERATION_TTL_MS - 60_000) / 1000}`);
  });

  it('reads 0 when nothing waits', async () => {
    const { registry } = setUp();
    expect(await registry.metrics()).toContain('cdn_cp_cache_operation_oldest_pending_seconds 0');
  });
});
