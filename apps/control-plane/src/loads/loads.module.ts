import { Module } from '@nestjs/common';
import { EdgesModule } from '../edges/edges.module';
import { NodesModule } from '../nodes/nodes.module';
import { LoadBroadcaster } from './load-broadcaster';

@Module({ imports: [NodesModule, EdgesModule], providers: [LoadBroadcaster], exports: [LoadBroadcaster] })
export class LoadsModule {}
