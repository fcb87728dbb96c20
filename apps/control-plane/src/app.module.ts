import { DynamicModule, Module } from '@nestjs/common';
import { CoreDependencies, CoreModule } from './core/core.module';
import { EdgesModule } from './edges/edges.module';
import { HealthModule } from './health/health.module';
import { NodesModule } from './nodes/nodes.module';
import { ProbesModule } from './probes/probes.module';
import { RoutingModule } from './routing/routing.module';

@Module({})
export class AppModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(deps), NodesModule, RoutingModule, HealthModule, EdgesModule, ProbesModule],
    };
  }
}
