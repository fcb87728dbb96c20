import type { LoadOf, NodeLoads, RouteNode, RoutingTable } from '@cdn/shared';
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
  /** Bumped when the broadcast or the table's loads change: the sums of the loads they give are made again. */
  private version = 0;
  private readonly sums = new WeakMap<readonly RouteNode[], { version: number; ids: ReadonlySet<string>; base: number }>();

  constructor(private readonly health: PassiveHealth) {}

  follow(table: RoutingTable): void {
    this.reported = new Map(table.nodes.map((node) => [node.id, node.load]));
    this.version++;
  }

  update(update: NodeLoads): void {
    this.broadcast = new Map(Object.entries(update.loads));
    this.version++;
  }

  private baseLoad(nodeId: string): number {
    return this.broadcast.get(nodeId) ?? this.reported.get(nodeId) ?? 0;
  }

  /**
   * The loads of a balancer's node set, summed: the broadcast and reported part once per change of them (a second
   * or two), this edge's requests in flight over its busy nodes only. A pick's cost then does not grow with the table.
   */
  private total(nodes: readonly RouteNode[]): number {
    let sum = this.sums.get(nodes);
    if (sum === undefined || sum.version !== this.version) {
      let base = 0;
      for (const node of nodes) base += this.baseLoad(node.id);
      sum = { version: this.version, ids: sum?.ids ?? new Set(nodes.map((node) => node.id)), base };
      this.sums.set(nodes, sum);
    }
    return sum.base + this.health.inFlightAmong(sum.ids);
  }

  readonly loadOf: LoadOf = Object.assign((nodeId: string) => this.baseLoad(nodeId) + this.health.inFlight(nodeId), {
    total: (nodes: readonly RouteNode[]) => this.total(nodes),
  });
}
