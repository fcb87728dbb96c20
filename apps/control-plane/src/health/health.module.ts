import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { EdgesModule } from '../edges/edges.module';
import { NodesModule } from '../nodes/nodes.module';
import { RoutingModule } from '../routing/routing.module';
import { HealthService } from './health.service';

@Module({ imports: [NodesModule, RoutingModule, EdgesModule, AlertsModule], providers: [HealthService], exports: [HealthService] })
export class HealthModule {}
