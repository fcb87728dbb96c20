import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import type { Logger } from '@cdn/shared';
import { CLOCK, Clock, LOGGER } from '../core/core.constants';
import { EdgesModule } from '../edges/edges.module';
import { RoutingModule } from '../routing/routing.module';
import { NodeUrlPolicy } from '../security/node-url-policy';
import { NodeStateStore } from '../state/node-state-store';
import { StateModule } from '../state/state.module';
import { DurableChanges } from './durable-changes';
import { NodeRegistry } from './node-registry';
import { NodesController } from './nodes.controller';
import { NodesService } from './nodes.service';

@Module({
  imports: [StateModule, RoutingModule, EdgesModule, AlertsModule],
  controllers: [NodesController],
  providers: [
    // The table starts from the saved file: loading it is part of starting the module.
    { provide: NodeRegistry, useFactory: async (state: NodeStateStore, clock: Clock) => new NodeRegistry(await state.load(), clock()), inject: [NodeStateStore, CLOCK] },
    // Binds itself to the store: every save writes the table with the changes waiting for it.
    {
      provide: DurableChanges,
      useFactory: (registry: NodeRegistry, state: NodeStateStore, logger: Logger) => new DurableChanges(registry, state, logger),
      inject: [NodeRegistry, NodeStateStore, LOGGER],
    },
    NodesService,
    NodeUrlPolicy,
  ],
  exports: [NodeRegistry, NodesService],
})
export class NodesModule {}
