import { Module } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { Logger } from '@cdn/shared';
import { AlertsModule } from '../alerts/alerts.module';
import { REPLICATION, type Replication } from '../cluster/replication';
import { CLOCK, Clock, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { EdgesModule } from '../edges/edges.module';
import { RoutingModule } from '../routing/routing.module';
import { NodeUrlPolicy } from '../security/node-url-policy';
import { NodeStateStore } from '../state/node-state-store';
import { StateModule } from '../state/state.module';
import { DurableChanges } from './durable-changes';
import { NODE_CHANGES } from './node-changes';
import { NodeRegistry } from './node-registry';
import { NodesController } from './nodes.controller';
import { NodesService } from './nodes.service';
import { ReplicatedNodeChanges } from './replicated/replicated-node-changes';
import { snapshotOf } from './replicated/registry-snapshot';

@Module({
  imports: [StateModule, RoutingModule, EdgesModule, AlertsModule],
  controllers: [NodesController],
  providers: [
    // One control plane starts from its nodes file; replicas fill the table from the node bucket once started.
    {
      provide: NodeRegistry,
      useFactory: async (state: NodeStateStore, clock: Clock, replication: Replication | null) => (replication ? new NodeRegistry() : new NodeRegistry(await state.load(), clock())),
      inject: [NodeStateStore, CLOCK, REPLICATION],
    },
    {
      provide: NODE_CHANGES,
      useFactory: (registry: NodeRegistry, state: NodeStateStore, logger: Logger, clock: Clock, metrics: Registry, replication: Replication | null) => {
        // Binds itself to the store: every save writes the table with the changes waiting for it.
        if (!replication) return new DurableChanges(registry, state, logger);
        // The nodes file is then a snapshot of the table, written by the leader.
        state.bind(snapshotOf(registry));
        return new ReplicatedNodeChanges(replication.nodes, registry, logger, clock, metrics);
      },
      inject: [NodeRegistry, NodeStateStore, LOGGER, CLOCK, METRICS_REGISTRY, REPLICATION],
    },
    NodesService,
    NodeUrlPolicy,
  ],
  exports: [NodeRegistry, NodesService, NODE_CHANGES],
})
export class NodesModule {}
