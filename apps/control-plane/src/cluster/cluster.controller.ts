import { Controller, Get, Inject } from '@nestjs/common';
import { type ClusterView, LEADERSHIP, type Leadership } from './leadership';

@Controller()
export class ClusterController {
  constructor(@Inject(LEADERSHIP) private readonly leadership: Leadership) {}

  /** Which replica this is, which leads, and the replicas heard from lately (as last read: never waits on NATS). */
  @Get('cluster')
  view(): Promise<ClusterView> {
    return this.leadership.view();
  }
}
