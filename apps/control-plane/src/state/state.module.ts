import { Module } from '@nestjs/common';
import { NodeStateStore } from './node-state-store';

@Module({ providers: [NodeStateStore], exports: [NodeStateStore] })
export class StateModule {}
