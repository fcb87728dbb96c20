import type { EdgeNodeStats } from '@cdn/shared';

/**
 * Live load per node: the load it reports in its heartbeat plus the requests each live edge has in
 * flight to it (from that edge's latest report). Only registered nodes are counted.
 */
export function aggregateLoads(
  nodes: readonly { id: string; currentLoad: number }[],
  liveEdges: readonly { nodes?: Record<string, EdgeNodeStats> }[],
): Record<string, number> {
  const loads: Record<string, number> = {};
  for (const node of nodes) {
    let load = node.currentLoad;
    for (const edge of liveEdges) load += edge.nodes?.[node.id]?.inFlight ?? 0;
    loads[node.id] = load;
  }
  return loads;
}
