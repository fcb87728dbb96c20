import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { StateModule } from '../state/state.module';
import { ProbesController } from './probes.controller';
import { Readiness } from './readiness';

@Module({ imports: [RoutingModule, StateModule], controllers: [ProbesController], providers: [Readiness] })
export class ProbesModule {}
