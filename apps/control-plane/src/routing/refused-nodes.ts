import type { Logger, RefusedNode } from '@cdn/shared';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Nodes that the routing schema refuses (a URL such as `http:/host` from an old file, a bug): they are left out
 * of the routing table while the others are published. Each is logged and counted once, not on every write,
 * until it is published again or removed.
 */
export class RefusedNodes {
  private readonly withheld = new Map<string, string>();
  private readonly refusals: Counter;

  constructor(
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.refusals = new Counter({
      name: 'cdn_cp_routing_refused_entries_total',
      help: 'Nodes left out of the routing table because they fail the routing schema, counted once per node and reason',
      registers: [registry],
    });
    const withheld = this.withheld;
    new Gauge({
      name: 'cdn_cp_routing_refused_nodes',
      help: 'Nodes left out of the routing table now, because they fail the routing schema',
      registers: [registry],
      collect() {
        this.set(withheld.size);
      },
    });
  }

  /** After a write of the nodes `ids`: those in `refused` are withheld, the others were published. */
  note(ids: Iterable<string>, refused: readonly RefusedNode[]): void {
    const reasons = new Map(refused.map((r) => [r.id, r.reason]));
    for (const id of ids) {
      const reason = reasons.get(id);
      const before = this.withheld.get(id);
      if (reason === undefined) {
        if (before === undefined) continue;
        this.withheld.delete(id);
        this.logger.info(`Node ${id} is published to edges again`);
      } else if (before !== reason) {
        this.withheld.set(id, reason);
        this.refusals.inc();
        this.logger.error(`Node ${id} is not published to edges: ${reason} (it fails the routing schema); the other nodes are. Register it again with a valid URL, or delete it`);
      }
    }
  }

  /** After a full publish: nodes that are no longer registered are no longer withheld either. */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.withheld.keys()) if (!ids.has(id)) this.withheld.delete(id);
  }

  forget(id: string): void {
    this.withheld.delete(id);
  }
}
