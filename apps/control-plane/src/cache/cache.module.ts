import { DynamicModule, Module } from '@nestjs/common';
import type { BusConnection, CacheCommandBus } from '@cdn/shared';
import { EdgesModule } from '../edges/edges.module';
import { CacheOperationsController } from './cache-operations.controller';
import { CacheOperationsService } from './cache-operations.service';
import { BUS_CONNECTION, CACHE_COMMAND_BUS, OPERATION_STORE } from './cache.constants';
import type { OperationStore } from './store/operation-store';

/** What cache operations travel on and are kept in. */
export interface CacheDependencies {
  commands: CacheCommandBus;
  store: OperationStore;
  connection: BusConnection;
}

/** Cache purge and warm across every edge, delivered at least once, with receipts, kept across restarts. */
@Module({})
export class CacheModule {
  static forRoot(deps: CacheDependencies): DynamicModule {
    return {
      module: CacheModule,
      imports: [EdgesModule],
      controllers: [CacheOperationsController],
      providers: [
        { provide: CACHE_COMMAND_BUS, useValue: deps.commands },
        { provide: OPERATION_STORE, useValue: deps.store },
        { provide: BUS_CONNECTION, useValue: deps.connection },
        CacheOperationsService,
      ],
    };
  }
}
