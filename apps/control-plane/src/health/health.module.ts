import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { RoutingModule } from '../routing/routing.module';
import { HealthService } from './health.service';

@Module({ imports: [NodesModule, RoutingModule], providers: [HealthService], exports: [HealthService] })
export class HealthModule {}
