import { Controller, Get, Inject } from '@nestjs/common';
import { CdnError } from '@cdn/shared';
import { type ClusterView, LEADERSHIP, type Leadership } from './leadership';

@Controller()
export class ClusterController {
  constructor(@Inject(LEADERSHIP) private readonly leadership: Leadership) {}

  /** Which replica this is, which leads, and the replicas heard from lately. */
  @Get('cluster')
  async view(): Promise<ClusterView> {
    try {
      return await this.leadership.view();
    } catch (err) {
      throw new CdnError('bus_unavailable', `The replicas' announcements could not be read from NATS (${(err as Error).message}); retry.`, undefined, { cause: err });
    }
  }
}
