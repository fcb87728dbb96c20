import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { HealthModule } from '../health/health.module';
import { NodesModule } from '../nodes/nodes.module';
import { RoutingModule } from '../routing/routing.module';
import { ClusterController } from './cluster.controller';
import { LeaderDuties } from './leader-duties';

@Module({ imports: [NodesModule, RoutingModule, HealthModule, AlertsModule], controllers: [ClusterController], providers: [LeaderDuties] })
export class ClusterModule {}
