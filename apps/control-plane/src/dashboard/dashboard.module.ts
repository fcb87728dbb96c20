import { Module } from '@nestjs/common';
import type { Logger } from '@cdn/shared';
import type { Registry } from 'prom-client';
import { LEADERSHIP, type Leadership } from '../cluster/leadership';
import { CLOCK, type Clock, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { EdgesModule } from '../edges/edges.module';
import { EdgesService } from '../edges/edges.service';
import { aggregateLoads } from '../loads/live-loads';
import { NodesModule } from '../nodes/nodes.module';
import { NodesService } from '../nodes/nodes.service';
import { RoutingModule } from '../routing/routing.module';
import { RoutingPublisher } from '../routing/routing-publisher';
import { StatsModule } from '../stats/stats.module';
import { StatsService } from '../stats/stats.service';
import { DashboardAssets } from './dashboard-assets';
import { DashboardController } from './dashboard.controller';
import { DashboardFeed } from './dashboard-feed';
import type { DashboardSources } from './dashboard-frames';

/** The operators' page (GET /dashboard) and its live event stream, built on the nodes, edges, routing and stats services. */
@Module({
  imports: [NodesModule, EdgesModule, RoutingModule, StatsModule],
  controllers: [DashboardController],
  providers: [
    { provide: DashboardAssets, useFactory: () => new DashboardAssets() },
    {
      provide: DashboardFeed,
      useFactory: (nodes: NodesService, edges: EdgesService, publisher: RoutingPublisher, stats: StatsService, leadership: Leadership, clock: Clock, logger: Logger, registry: Registry) => {
        const sources: DashboardSources = {
          nodes: () => nodes.list(),
          loads: (list) => aggregateLoads(list, edges.liveEdges()),
          edges: () => edges.view(),
          cacheEnabled: () => publisher.settings().cacheEnabled,
          replica: () => ({ self: leadership.self, leader: leadership.isLeader() }),
          stats: () => stats.report(),
          settings: nodes.settings,
          now: clock,
        };
        return new DashboardFeed(sources, logger, registry);
      },
      inject: [NodesService, EdgesService, RoutingPublisher, StatsService, LEADERSHIP, CLOCK, LOGGER, METRICS_REGISTRY],
    },
  ],
  exports: [DashboardFeed],
})
export class DashboardModule {}
