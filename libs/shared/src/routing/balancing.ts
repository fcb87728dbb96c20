import type { RouteNode, RoutingTable } from './routing-table';

/** Chooses a node for one request; `random` returns a number in [0, 1). */
export type NodeSelector = (clientLocation: string | undefined, random: () => number) => RouteNode | undefined;

interface WeightedGroup {
  nodes: RouteNode[];
  /** cumulative[i] = sum of capacities of nodes[0..i]. */
  cumulative: number[];
  total: number;
}

function weightedGroup(nodes: RouteNode[]): WeightedGroup {
  const cumulative: number[] = [];
  let total = 0;
  for (const node of nodes) {
    total += node.capacity;
    cumulative.push(total);
  }
  return { nodes, cumulative, total };
}

function pickWeighted(group: WeightedGroup, random: () => number): RouteNode | undefined {
  if (group.nodes.length === 0) return undefined;
  const target = random() * group.total;
  // Binary search for the first cumulative weight above the target.
  let lo = 0;
  let hi = group.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (group.cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return group.nodes[lo];
}

/**
 * Capacity-weighted choice among active nodes, preferring those whose location equals the client's.
 * The grouping is done once per table, so a pick is a lookup and a binary search.
 */
export function createWeightedSelector(table: RoutingTable): NodeSelector {
  const active = table.nodes.filter((node) => node.status === 'active');
  const all = weightedGroup(active);
  const byLocation = new Map<string, WeightedGroup>();
  for (const location of new Set(active.map((node) => node.location))) {
    byLocation.set(location, weightedGroup(active.filter((node) => node.location === location)));
  }
  return (clientLocation, random) => {
    const local = clientLocation === undefined ? undefined : byLocation.get(clientLocation);
    return pickWeighted(local ?? all, random);
  };
}
