import { DynamicModule, Module } from '@nestjs/common';
import type { CacheCommandBus } from '@cdn/shared';
import { EdgesModule } from '../edges/edges.module';
import { CacheOperationsController } from './cache-operations.controller';
import { CacheOperationsService } from './cache-operations.service';
import { CACHE_COMMAND_BUS } from './cache.constants';

/** Cache purge and warm across every edge, with receipts. */
@Module({})
export class CacheModule {
  static forRoot(bus: CacheCommandBus): DynamicModule {
    return {
      module: CacheModule,
      imports: [EdgesModule],
      controllers: [CacheOperationsController],
      providers: [{ provide: CACHE_COMMAND_BUS, useValue: bus }, CacheOperationsService],
    };
  }
}
