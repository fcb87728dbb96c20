import { Module } from '@nestjs/common';
import { EdgesModule } from '../edges/edges.module';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** GET /stats: client traffic reported by the edges, over the last minute, 5 minutes and hour. */
@Module({ imports: [EdgesModule], controllers: [StatsController], providers: [StatsService], exports: [StatsService] })
export class StatsModule {}
