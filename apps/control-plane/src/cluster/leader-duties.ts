import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Logger } from '@cdn/shared';
import { AlertsService } from '../alerts/alerts.service';
import { LOGGER } from '../core/core.constants';
import { HealthService } from '../health/health.service';
import { NodeRegistry } from '../nodes/node-registry';
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
    @Inject(LOGGER) private readonly logger: Logger,
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
    this.alerts.resume(this.registry.list().map(({ id, health: { status, reason, since } }) => ({ id, status, reason, since })));
  }
}
