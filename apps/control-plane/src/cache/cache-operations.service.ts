import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { BusConnection, CacheCommandBus, CacheReceipt, CdnError, Logger } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { LEADERSHIP, type Leadership } from '../cluster/leadership';
import { CLOCK, Clock, LOGGER, METRICS_REGISTRY, TIMINGS } from '../core/core.constants';
import type { Timings } from '../core/timings';
import { EDGE_LOST_AFTER_MS } from '../edges/edge-liveness';
import { EdgesService } from '../edges/edges.service';
import { CacheOperation, createOperation, entriesAffected, OperationView, pendingEdges, recordLostEdge, recordReceipt, toOperationView } from './cache-operation';
import type { PurgeRequest, WarmRequest } from './cache-request';
import { BUS_CONNECTION, CACHE_COMMAND_BUS, OPERATION_STORE } from './cache.constants';
import { commandFor, planDelivery } from './delivery';
import { MAX_OPERATIONS, OPERATION_TTL_MS, OperationLog } from './operation-log';
import { OperationMetrics } from './operation-metrics';

/** Among replicas, the leader reads every kept operation again once per this many delivery rounds. */
const ADOPT_EVERY_ROUNDS = 10;
import { OperationSaver } from './operation-saver';
import { fromStoredOperation } from './store/operation-codec';
import type { OperationStore } from './store/operation-store';

type ReceiptResult = 'ok' | 'errors' | 'failed' | 'duplicate' | 'unknown_operation' | 'invalid';

/**
 * Sends purge and warm to every edge and follows each operation until every edge live at the time has
 * answered or been lost. Delivery is at least once: the command goes again to the edges that have not
 * answered, after 3 s and then ever less often (delivery.ts), and edges answer repeats with the receipt
 * they already sent. Operations
 * are saved (OperationStore) before they are answered and as receipts arrive, so a restarted control
 * plane still answers for them and goes on delivering. When the bus cannot carry a command at all, the
 * operation is refused (503 bus_unavailable) instead of reported as sent.
 */
@Injectable()
export class CacheOperationsService implements OnModuleInit, OnModuleDestroy {
  private readonly operations: OperationLog;
  private readonly saver: OperationSaver;
  private readonly sent: Counter<'type'>;
  private readonly refused: Counter<'type' | 'reason'>;
  private readonly resends: Counter<'type'>;
  private readonly completed: Counter<'type' | 'result'>;
  private readonly outcomes: OperationMetrics;
  private readonly receipts: Counter<'type' | 'result'>;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private restored = false;
  private listeningSince = 0;

  constructor(
    @Inject(CACHE_COMMAND_BUS) private readonly bus: CacheCommandBus,
    @Inject(OPERATION_STORE) private readonly store: OperationStore,
    @Inject(BUS_CONNECTION) private readonly connection: BusConnection,
    private readonly edges: EdgesService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) metrics: Registry,
    @Inject(TIMINGS) private readonly timings: Timings,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
  ) {
    this.operations = new OperationLog(clock, OPERATION_TTL_MS, MAX_OPERATIONS, (operation) => {
      this.outcomes.expired(operation.type);
      this.logger.warn(`Cache ${operation.type} ${operation.id} expired still waiting for edge(s) ${pendingEdges(operation).join(', ')}`);
    });
    this.outcomes = new OperationMetrics(metrics, () => this.operations.pending(), clock);
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name, help, labelNames, registers: [metrics] });
    this.sent = counter('cdn_cp_cache_operations_accepted_total', 'Cache operations accepted and sent to the edges, by type (purge, warm)', ['type']);
    this.refused = counter('cdn_cp_cache_operations_refused_total', 'Cache operations refused, by type and reason (bus_unavailable, not_saved)', ['type', 'reason']);
    this.resends = counter('cdn_cp_cache_operation_resends_total', 'Cache commands sent again to edges that had not answered, by type', ['type']);
    this.completed = counter('cdn_cp_cache_operations_completed_total', 'Cache operations completed, by type and result (answered, edges_lost, no_edges)', ['type', 'result']);
    this.receipts = counter(
      'cdn_cp_cache_receipts_total',
      'Cache receipts from edges, by operation type and result (ok, errors, failed, duplicate, unknown_operation, invalid)',
      ['type', 'result'],
    );
    this.saver = new OperationSaver(store, logger, counter('cdn_cp_cache_operation_saves_total', 'Saves of cache operations to their store, by result', ['result']));
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

  async onModuleInit(): Promise<void> {
    this.listeningSince = this.clock();
    await this.restore();
    this.unlisten = this.edges.listen({
      onLost: (edge) => {
        for (const operation of this.operations.pending()) this.loseEdge(operation, edge.id, 'was lost before it answered');
      },
      onReport: (edge, previous) => {
        if (previous?.status === 'lost') this.catchUp(edge.id);
      },
    });
    let rounds = 0;
    this.timer = setInterval(() => {
      // The leader adopts the operations other replicas left waiting (one may have died) and re-sends them too.
      if (this.leadership.isLeader() && ++rounds % ADOPT_EVERY_ROUNDS === 0) void this.adoptStored();
      this.deliver();
    }, this.timings.cacheResendMs);
    this.timer.unref();
    this.leadership.onChange((leading) => leading && void this.adoptStored());
  }

  private async adoptStored(): Promise<void> {
    this.restored = false;
    await this.restore();
    this.deliver();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.unlisten?.();
    await this.saver.flush();
    await this.store.close();
  }

  async purge(request: PurgeRequest): Promise<string> {
    this.checkBus('purge');
    const operation = await this.create(createOperation({ type: 'purge', request, ...this.operationBasics() }));
    this.bus.publish(commandFor(operation));
    const { urls, prefixes, tags, soft } = request;
    this.logger.info(
      `Cache purge ${operation.id} sent to ${operation.expectedEdges.length} edges (urls=${urls.length}, prefixes=${prefixes.length}, tags=${tags.length}, soft=${soft})`,
    );
    this.warnIfNobodyListens(operation);
    return operation.id;
  }

  async warm(request: WarmRequest): Promise<string> {
    this.checkBus('warm');
    const operation = await this.create(createOperation({ type: 'warm', request, ...this.operationBasics() }));
    this.bus.publish(commandFor(operation));
    this.logger.info(`Cache warm ${operation.id} sent to ${operation.expectedEdges.length} edges (urls=${request.urls.length})`);
    this.warnIfNobodyListens(operation);
    return operation.id;
  }

  /** Operations of this process first; then the store, which also holds another replica's (or not yet restored) ones. */
  async view(id: string): Promise<OperationView> {
    const held = this.operations.get(id);
    if (held) return toOperationView(held);
    const stored = await this.store.get(id).catch(() => undefined);
    if (stored && stored.createdAt > this.clock() - 60 * 60_000) return toOperationView(fromStoredOperation(stored));
    throw new CdnError('operation_not_found', `No cache operation ${id}: unknown, or older than one hour.`, { operation_id: id });
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
      // Expected: an edge answers every re-send, and a re-send may cross its first receipt.
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
    if (outcome.completed) this.onCompleted(operation);
    this.saver.changedOne(operation);
  }

  invalidReceipt(reason: string): void {
    this.receipts.inc({ type: 'unknown', result: 'invalid' });
    this.logger.warn(`Ignored an invalid cache receipt: ${reason}`);
  }

  /** One delivery round: gives up on lost edges, re-sends to the others that have not answered, retries saves. */
  deliver(): void {
    if (!this.restored) void this.restore();
    const now = this.clock();
    const settings = { resendMs: this.timings.cacheResendMs, unknownLostAfterMs: EDGE_LOST_AFTER_MS, listeningSince: this.listeningSince };
    const connected = this.connection.connected();
    for (const operation of this.operations.pending()) {
      const plan = planDelivery(operation, (edge) => this.edges.status(edge), now, settings);
      for (const edge of plan.lost) this.loseEdge(operation, edge, 'was lost before it answered');
      for (const edge of plan.unanswered) this.loseEdge(operation, edge, `reports but did not answer in ${Math.round((now - operation.createdAt) / 60_000)} min`);
      // Published while disconnected, a command would only wait in the client's buffer: wait here instead.
      if (plan.resendTo.length === 0 || !connected || operation.completedAt !== null) continue;
      this.send(operation, plan.resendTo, now, `no receipt after ${Math.round((now - operation.lastSentAt) / 1000)} s`);
    }
    this.saver.retry();
  }

  private send(operation: CacheOperation, edges: string[], now: number, why: string): void {
    operation.sends += 1;
    operation.lastSentAt = now;
    this.bus.publish(commandFor(operation, edges));
    this.resends.inc({ type: operation.type });
    this.logger.info(`Cache ${operation.type} ${operation.id}: sent again to ${edges.join(', ')} (${why}; send ${operation.sends})`);
    this.saver.changedOne(operation);
  }

  /** An edge that was lost reports again: it gets the operations it missed while it was gone. */
  private catchUp(edgeId: string): void {
    if (!this.connection.connected()) return;
    const now = this.clock();
    for (const operation of this.operations.all()) {
      if (operation.lostEdges.includes(edgeId)) this.send(operation, [edgeId], now, `edge ${edgeId} is back after it was lost`);
    }
  }

  private loseEdge(operation: CacheOperation, edgeId: string, why: string): void {
    const outcome = recordLostEdge(operation, edgeId, this.clock());
    if (outcome.kind === 'not_pending') return;
    this.logger.warn(`Cache ${operation.type} ${operation.id}: edge ${edgeId} ${why}; no longer waiting for it`);
    if (outcome.completed) this.onCompleted(operation);
    this.saver.changedOne(operation);
  }

  private onCompleted(operation: CacheOperation): void {
    this.outcomes.completed(operation);
    const answered = `${operation.receipts.size} edges, ${entriesAffected(operation)} entries affected`;
    if (operation.lostEdges.length === 0) {
      this.completed.inc({ type: operation.type, result: 'answered' });
      this.logger.info(`Cache operation ${operation.id} complete: ${answered}`);
    } else {
      this.completed.inc({ type: operation.type, result: 'edges_lost' });
      this.logger.warn(`Cache operation ${operation.id} complete without edge(s) ${operation.lostEdges.join(', ')}, lost before they answered: ${answered}`);
    }
  }

  /** Loads the operations a previous run left; a store that cannot be read now is tried again every round. */
  private async restore(): Promise<void> {
    if (this.restored) return;
    this.restored = true;
    try {
      const stored = await this.store.loadAll();
      let restored = 0;
      for (const item of stored) {
        if (this.operations.get(item.id)) continue;
        this.operations.add(fromStoredOperation(item));
        restored++;
      }
      if (restored > 0) this.logger.info(`Restored ${restored} cache operation(s) from ${this.store.name}, ${this.operations.pendingCount()} still waiting for receipts`);
    } catch (err) {
      this.restored = false;
      this.logger.warn({ err }, `Could not read the cache operations kept in ${this.store.name} (${(err as Error).message}); trying again with every delivery round`);
    }
  }

  private checkBus(type: CacheOperation['type']): void {
    if (this.connection.connected()) return;
    this.refused.inc({ type, reason: 'bus_unavailable' });
    const message = `${this.connection.describe()} is not connected, so the ${type} cannot reach the edges; nothing was sent. Try again once it is back.`;
    this.logger.warn(`Refused a cache ${type}: ${message}`);
    throw new CdnError('bus_unavailable', message);
  }

  /** Saved before anything is sent, so an answered operation outlives a restart; one that cannot be saved is refused. */
  private async create<T extends CacheOperation>(operation: T): Promise<T> {
    try {
      await this.saver.create(operation);
    } catch (err) {
      this.refused.inc({ type: operation.type, reason: 'not_saved' });
      const message = `The ${operation.type} could not be saved to ${this.store.name} (${(err as Error).message}); nothing was sent.`;
      this.logger.warn(`Refused a cache ${operation.type}: ${message}`);
      throw new CdnError(this.store.failureCode, message, undefined, { cause: err });
    }
    this.operations.add(operation);
    this.sent.inc({ type: operation.type });
    if (operation.completedAt !== null) {
      this.completed.inc({ type: operation.type, result: 'no_edges' });
      this.outcomes.completed(operation);
    }
    return operation;
  }

  private operationBasics(): { id: string; now: number; liveEdges: string[] } {
    return { id: randomUUID(), now: this.clock(), liveEdges: this.edges.liveEdgeIds() };
  }

  private warnIfNobodyListens(operation: CacheOperation): void {
    if (operation.completedAt !== null) this.logger.warn(`Cache ${operation.type} ${operation.id}: ${operation.warnings.join(' ')}`);
  }
}
