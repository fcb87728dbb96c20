import { Injectable } from '@nestjs/common';
import { RoutingPublisher } from '../routing/routing-publisher';

/**
 * Ready means: the saved nodes are loaded (true once Nest has built the node table) and the routing
 * store has accepted the first full publish, so edges never see an empty table from a restart.
 */
@Injectable()
export class Readiness {
  constructor(private readonly routing: RoutingPublisher) {}

  isReady(): boolean {
    return this.routing.ready;
  }
}
