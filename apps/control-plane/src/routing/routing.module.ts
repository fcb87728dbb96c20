import { Module } from '@nestjs/common';
import { CacheController } from './cache.controller';
import { RoutingPublisher } from './routing-publisher';
import { RoutingReconciler } from './routing-reconciler';

@Module({ controllers: [CacheController], providers: [RoutingPublisher, RoutingReconciler], exports: [RoutingPublisher, RoutingReconciler] })
export class RoutingModule {}
