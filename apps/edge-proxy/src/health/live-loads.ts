import type { LoadOf, NodeLoads, RoutingTable } from '@cdn/shared';
import type { PassiveHealth } from './passive-health';

/**
 * The live load of each node as this edge sees it: the control plane's last broadcast (heartbeat load plus
 * every edge's requests in flight, at most a second or two old), or the heartbeat load from the routing
 * table before any broadcast, plus this edge's own requests in flight now. Counting its own in-flight
 * requests twice for a moment makes the edge slightly more cautious with nodes it is already loading.
 */
export class LiveLoads {
  /** A Map: a plain object would answer `toString` or `constructor` for ids it was never sent. */
  private broadcast = new Map<string, number>();
  private reported = new Map<string, number>();

  constructor(private readonly health: PassiveHealth) {}

  follow(table: RoutingTable): void {
    this.reported = new Map(table.nodes.map((node) => [node.id, node.load]));
  }

  update(update: NodeLoads): void {
    this.broadcast = new Map(Object.entries(update.loads));
  }

  readonly loadOf: LoadOf = (nodeId) => (this.broadcast.get(nodeId) ?? this.reported.get(nodeId) ?? 0) + this.health.inFlight(nodeId);
}
