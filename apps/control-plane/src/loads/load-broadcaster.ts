import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { LEADERSHIP, type Leadership } from '../cluster/leadership';
import type { Logger, NodeLoadBus } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { CLOCK, Clock, LOGGER, METRICS_REGISTRY, NODE_LOAD_BUS } from '../core/core.constants';
import { EdgesService } from '../edges/edges.service';
import { NodeRegistry } from '../nodes/node-registry';
import { aggregateLoads } from './live-loads';

/** How often edges hear the live loads: often enough for least-load and bounded-load balancing to follow bursts. */
export const LOAD_BROADCAST_INTERVAL_MS = 1_000;

/**
 * Broadcasts every node's live load on the NodeLoadBus each second. Load is telemetry: it never goes
 * through the routing table, whose revisions would otherwise churn every second.
 */
@Injectable()
export class LoadBroadcaster implements OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private readonly broadcasts: Counter;

  constructor(
    @Inject(NODE_LOAD_BUS) private readonly bus: NodeLoadBus,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) metrics: Registry,
    private readonly registry: NodeRegistry,
    private readonly edges: EdgesService,
  ) {
    this.broadcasts = new Counter({ name: 'cdn_cp_node_load_broadcasts_total', help: 'Live node-load updates broadcast to edges', registers: [metrics] });
    const self = this;
    new Gauge({
      name: 'cdn_cp_node_live_load',
      help: 'Live load per node: heartbeat load plus requests in flight from every live edge',
      labelNames: ['node'],
      registers: [metrics],
      collect() {
        this.reset();
        for (const [node, load] of self.current()) this.set({ node }, load);
      },
    });
  }

  current(): Map<string, number> {
    return aggregateLoads(this.registry.list(), this.edges.liveEdges());
  }

  start(): void {
    if (this.timer) return;
    // Every replica hears every edge report; only the leader speaks, so that edges hear one voice.
    this.timer = setInterval(() => this.leadership.isLeader() && this.publish(), LOAD_BROADCAST_INTERVAL_MS);
    this.timer.unref();
    this.logger.debug(`Broadcasting live node loads every ${LOAD_BROADCAST_INTERVAL_MS} ms`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  publish(): void {
    // The wire format is a JSON object; Object.fromEntries defines every id as an own property.
    this.bus.publish({ loads: Object.fromEntries(this.current()), at: this.clock() });
    this.broadcasts.inc();
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
