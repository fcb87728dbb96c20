import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CacheCommandBus, CacheReceipt, CdnError, Logger } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { CLOCK, Clock, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { EdgesService } from '../edges/edges.service';
import { CacheOperation, createOperation, entriesAffected, OperationView, recordReceipt, toOperationView } from './cache-operation';
import type { PurgeRequest, WarmRequest } from './cache-request';
import { CACHE_COMMAND_BUS } from './cache.constants';
import { OperationLog } from './operation-log';

type ReceiptResult = 'ok' | 'errors' | 'failed' | 'duplicate' | 'unknown_operation' | 'invalid';

/** Sends purge and warm to every edge and follows each operation until every edge live at the time has answered. */
@Injectable()
export class CacheOperationsService {
  private readonly operations: OperationLog;
  private readonly sent: Counter<'type'>;
  private readonly receipts: Counter<'type' | 'result'>;

  constructor(
    @Inject(CACHE_COMMAND_BUS) private readonly bus: CacheCommandBus,
    private readonly edges: EdgesService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.operations = new OperationLog(clock);
    this.sent = new Counter({ name: 'cdn_cp_cache_operations_total', help: 'Cache operations sent to the edges, by type (purge, warm)', labelNames: ['type'], registers: [metrics] });
    this.receipts = new Counter({
      name: 'cdn_cp_cache_receipts_total',
      help: 'Cache receipts from edges, by operation type and result (ok, errors, failed, duplicate, unknown_operation, invalid)',
      labelNames: ['type', 'result'],
      registers: [metrics],
    });
    const operations = this.operations;
    new Gauge({
      name: 'cdn_cp_cache_operations_pending',
      help: 'Cache operations still waiting for a receipt from some edge',
      registers: [metrics],
      collect() {
        this.set(operations.pendingCount());
      },
    });
  }

  purge(request: PurgeRequest): string {
    const operation = this.track(createOperation({ type: 'purge', request, ...this.operationBasics() }));
    const { urls, prefixes, tags, soft } = request;
    this.bus.publish({ type: 'purge', operationId: operation.id, urls, prefixes, tags, soft, sharedTierBy: operation.sharedTierBy, issuedAt: operation.createdAt });
    this.logger.info(
      `Cache purge ${operation.id} sent to ${operation.expectedEdges.length} edges (urls=${urls.length}, prefixes=${prefixes.length}, tags=${tags.length}, soft=${soft})`,
    );
    this.warnIfNobodyListens(operation);
    return operation.id;
  }

  warm(request: WarmRequest): string {
    const operation = this.track(createOperation({ type: 'warm', request, ...this.operationBasics() }));
    this.bus.publish({ type: 'warm', operationId: operation.id, urls: request.urls, issuedAt: operation.createdAt });
    this.logger.info(`Cache warm ${operation.id} sent to ${operation.expectedEdges.length} edges (urls=${request.urls.length})`);
    this.warnIfNobodyListens(operation);
    return operation.id;
  }

  view(id: string): OperationView {
    const operation = this.operations.get(id);
    if (!operation) throw new CdnError('operation_not_found', `No cache operation ${id}: unknown, or older than one hour.`, { operation_id: id });
    return toOperationView(operation);
  }

  onReceipt(receipt: CacheReceipt): void {
    const operation = this.operations.get(receipt.operationId);
    if (!operation) {
      // Expired, or sent by another control plane on the same NATS: nothing to update.
      this.receipts.inc({ type: 'unknown', result: 'unknown_operation' });
      this.logger.debug(`Ignored a cache receipt from edge ${receipt.edgeId} for unknown operation ${receipt.operationId}`);
      return;
    }
    const outcome = recordReceipt(operation, receipt, this.clock());
    if (outcome.kind === 'duplicate') {
      this.receipts.inc({ type: operation.type, result: 'duplicate' });
      this.logger.debug(`Ignored a repeated cache receipt from edge ${receipt.edgeId} for operation ${operation.id}`);
      return;
    }
    const result: ReceiptResult = !receipt.applied ? 'failed' : receipt.errors.length > 0 ? 'errors' : 'ok';
    this.receipts.inc({ type: operation.type, result });
    if (result === 'ok') {
      this.logger.debug(`Cache ${operation.type} ${operation.id}: edge ${receipt.edgeId} done, ${receipt.entriesAffected} entries affected`);
    } else {
      const what = result === 'failed' ? 'could not carry it out' : `finished with errors (${receipt.entriesAffected} entries affected)`;
      this.logger.warn(`Cache ${operation.type} ${operation.id}: edge ${receipt.edgeId} ${what}: ${receipt.errors.join('; ') || 'no reason given'}`);
    }
    if (outcome.completed) {
      this.logger.info(`Cache operation ${operation.id} complete: ${operation.receipts.size} edges, ${entriesAffected(operation)} entries affected`);
    }
  }

  invalidReceipt(reason: string): void {
    this.receipts.inc({ type: 'unknown', result: 'invalid' });
    this.logger.warn(`Ignored an invalid cache receipt: ${reason}`);
  }

  private operationBasics(): { id: string; now: number; liveEdges: string[] } {
    return { id: randomUUID(), now: this.clock(), liveEdges: this.edges.liveEdgeIds() };
  }

  /** Called before the command leaves, so that a receipt, however fast, finds its operation. */
  private track<T extends CacheOperation>(operation: T): T {
    this.operations.add(operation);
    this.sent.inc({ type: operation.type });
    return operation;
  }

  private warnIfNobodyListens(operation: CacheOperation): void {
    if (operation.completedAt !== null) this.logger.warn(`Cache ${operation.type} ${operation.id}: ${operation.warnings.join(' ')}`);
  }
}
