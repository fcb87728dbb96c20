import { Inject, Injectable } from '@nestjs/common';
import { LEADERSHIP, type Leadership } from '../cluster/leadership';
import { RoutingPublisher } from '../routing/routing-publisher';
import { NodeStateStore } from '../state/node-state-store';

/**
 * Ready means: the saved nodes are loaded (an unusable nodes file holds the control plane back until an
 * operator acts), the node state can be saved (a change that cannot be saved is refused), and the
 * routing store has accepted the first full publish, so edges never see an empty table from a restart.
 * Among replicas, a follower publishes nothing: it is ready once its table is read from the node bucket
 * (before it serves at all); the leader once it has published.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly routing: RoutingPublisher,
    private readonly state: NodeStateStore,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
  ) {}

  /** Why the control plane is not ready; empty when it is. */
  problems(): string[] {
    const problems = this.state.problems();
    // Withheld routing is the state's problem, already told above.
    if (this.leadership.isLeader() && !this.routing.ready && this.routing.withheld === undefined) problems.push('The control plane has not published its first routing table yet.');
    return problems;
  }
}
