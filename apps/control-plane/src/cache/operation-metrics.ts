import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CacheOperation, CacheOperationType } from './cache-operation';

/** How an operation ended: every expected edge carried it out; some edge could not or was lost first; or it was dropped still waiting. */
export type OperationResult = 'completed' | 'failed' | 'expired';

/** The pending operations, oldest first, as the gauges read them on scrape. */
export type PendingOperations = () => readonly CacheOperation[];

/**
 * cdn_cp_cache_operations_total{type,result} once per operation when it ends, cdn_cp_cache_operation_duration_seconds{type}
 * from accepted to answered by every edge, and cdn_cp_cache_operation_oldest_pending_seconds, read on scrape.
 */
export class OperationMetrics {
  private readonly ended: Counter<'type' | 'result'>;
  private readonly duration: Histogram<'type'>;

  constructor(registry: Registry, pending: PendingOperations, clock: () => number) {
    const registers = [registry];
    this.ended = new Counter({
      name: 'cdn_cp_cache_operations_total',
      help: 'Purge and warm operations that ended, by type and result (completed: every edge carried it out; failed: an edge could not, or was lost before it answered; expired: dropped while still waiting)',
      labelNames: ['type', 'result'],
      registers,
    });
    this.duration = new Histogram({
      name: 'cdn_cp_cache_operation_duration_seconds',
      help: 'Time from accepting a purge or warm to the last answer of the edges it waited for, by type',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    new Gauge({
      name: 'cdn_cp_cache_operation_oldest_pending_seconds',
      help: 'Age of the oldest purge or warm still waiting for an edge; 0 when none waits',
      registers,
      collect() {
        const oldest = pending()[0];
        this.set(oldest === undefined ? 0 : Math.max(0, (clock() - oldest.createdAt) / 1000));
      },
    });
  }

  /** The operation has every answer it waits for (or gave up on lost edges). */
  completed(operation: CacheOperation): void {
    const failed = operation.lostEdges.length > 0 || [...operation.receipts.values()].some((receipt) => !receipt.applied);
    this.ended.inc({ type: operation.type, result: failed ? 'failed' : 'completed' });
    // One that completed on creation (no live edge) waited for nobody: it has no time to tell.
    if (operation.expectedEdges.length > 0 && operation.completedAt !== null) this.duration.observe({ type: operation.type }, Math.max(0, operation.completedAt - operation.createdAt) / 1000);
  }

  /** The operation was dropped from the log while some edge had still not answered. */
  expired(type: CacheOperationType): void {
    this.ended.inc({ type, result: 'expired' });
  }
}
