import { Module } from '@nestjs/common';
import type { Logger } from '@cdn/shared';
import { REPLICATION, type Replication } from '../cluster/replication';
import { LOGGER } from '../core/core.constants';
import { CacheController } from './cache.controller';
import { CACHE_SWITCH, localCacheSwitch, ReplicatedCacheSwitch } from './cache-switch';
import { RoutingPublisher } from './routing-publisher';
import { RoutingReconciler } from './routing-reconciler';

@Module({
  controllers: [CacheController],
  providers: [
    RoutingPublisher,
    RoutingReconciler,
    {
      provide: CACHE_SWITCH,
      useFactory: (publisher: RoutingPublisher, replication: Replication | null, logger: Logger) =>
        replication ? new ReplicatedCacheSwitch(replication.nodes, publisher, logger) : localCacheSwitch(publisher),
      inject: [RoutingPublisher, REPLICATION, LOGGER],
    },
  ],
  exports: [RoutingPublisher, RoutingReconciler, CACHE_SWITCH],
})
export class RoutingModule {}
