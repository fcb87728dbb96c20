import type { EdgeNodeStats } from '@cdn/shared';

/**
 * Live load per node id: the load it reports in its heartbeat plus the requests each live edge has in
 * flight to it (from that edge's latest report). Only registered nodes are counted.
 */
export function aggregateLoads(
  nodes: readonly { id: string; currentLoad: number }[],
  liveEdges: readonly { nodes?: ReadonlyMap<string, EdgeNodeStats> }[],
): Map<string, number> {
  const loads = new Map<string, number>();
  for (const node of nodes) {
    let load = node.currentLoad;
    for (const edge of liveEdges) load += edge.nodes?.get(node.id)?.inFlight ?? 0;
    loads.set(node.id, load);
  }
  return loads;
}
