import { DynamicModule, Module } from '@nestjs/common';
import { CacheDependencies, CacheModule } from './cache/cache.module';
import { CoreDependencies, CoreModule } from './core/core.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DocsModule } from './docs/docs.module';
import { EdgesModule } from './edges/edges.module';
import { AlertsModule } from './alerts/alerts.module';
import { ClusterModule } from './cluster/cluster.module';
import { HealthModule } from './health/health.module';
import { LoadsModule } from './loads/loads.module';
import { NodesModule } from './nodes/nodes.module';
import { ProbesModule } from './probes/probes.module';
import { RoutingModule } from './routing/routing.module';
import { SecurityModule } from './security/security.module';
import { StatsModule } from './stats/stats.module';

@Module({})
export class AppModule {
  static forRoot(deps: CoreDependencies & { cache: CacheDependencies }): DynamicModule {
    const { cache, ...core } = deps;
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(core), SecurityModule, NodesModule, RoutingModule, HealthModule, EdgesModule, AlertsModule, LoadsModule, ProbesModule, ClusterModule, StatsModule, CacheModule.forRoot(cache), DocsModule, DashboardModule],
    };
  }
}
