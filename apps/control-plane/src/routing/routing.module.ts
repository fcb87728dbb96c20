import { Module } from '@nestjs/common';
import { CacheController } from './cache.controller';
import { RoutingPublisher } from './routing-publisher';

@Module({ controllers: [CacheController], providers: [RoutingPublisher], exports: [RoutingPublisher] })
export class RoutingModule {}
