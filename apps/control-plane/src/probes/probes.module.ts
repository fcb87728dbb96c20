import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { ProbesController } from './probes.controller';
import { Readiness } from './readiness';

@Module({ imports: [RoutingModule], controllers: [ProbesController], providers: [Readiness] })
export class ProbesModule {}
