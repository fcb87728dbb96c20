import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { CdnConfig, Logger } from '@cdn/shared';
import { AlertsService } from '../alerts/alerts.service';
import { CDN_CONFIG, CLOCK, Clock, LOGGER } from '../core/core.constants';
import { HealthService } from '../health/health.service';
import { NodeRegistry } from '../nodes/node-registry';
import { isActive } from '../nodes/node-state';
import { RoutingPublisher } from '../routing/routing-publisher';
import { RoutingReconciler } from '../routing/routing-reconciler';
import { LEADERSHIP, type Leadership } from './leadership';

/**
 * What a replica does on becoming the leader, from the state in the node bucket: marks nodes whose
 * heartbeats stopped, publishes the whole routing table and checks the bucket. Alerts resume without a
 * burst: a node already down is not announced again, except one whose alert the previous leader could
 * not have sent yet (still within --alert-delay), which is then due when it would have been.
 */
@Injectable()
export class LeaderDuties implements OnModuleInit {
  constructor(
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
    @Inject(CDN_CONFIG) private readonly config: CdnConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly registry: NodeRegistry,
    private readonly health: HealthService,
    private readonly publisher: RoutingPublisher,
    private readonly reconciler: RoutingReconciler,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.leadership.onChange((leading) => {
      if (leading) void this.takeOver();
    });
  }

  private async takeOver(): Promise<void> {
    try {
      this.resumeAlerts();
      await this.health.checkNodes();
      await this.publisher.publishAll(this.registry.routeNodes());
      await this.reconciler.reconcileAll();
    } catch (err) {
      this.logger.error({ err }, 'Taking over as the leader failed; the health loop retries the publish');
    }
  }

  private resumeAlerts(): void {
    const now = this.clock();
    const nodes = this.registry.list();
    const active = nodes.filter(isActive).length;
    for (const node of nodes) {
      const { status, reason, since } = node.health;
      if (status !== 'active' && since + this.config.alertDelay * 1000 > now) this.alerts.nodeChanged(node.id, status, reason, active, nodes.length, since);
    }
  }
}
