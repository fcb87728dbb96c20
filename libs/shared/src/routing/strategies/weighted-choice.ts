import type { RouteNode } from '../routing-table';

/** Nodes prepared once for capacity-weighted random choice. */
export interface WeightedSet {
  readonly nodes: readonly RouteNode[];
  /** cumulative[i] = sum of capacities of nodes[0..i]. */
  readonly cumulative: Float64Array;
  readonly total: number;
  /** Position of each node, so exclusions cost one lookup each instead of a scan. */
  readonly positions: ReadonlyMap<string, number>;
}

export function weightedSet(nodes: readonly RouteNode[]): WeightedSet {
  const cumulative = new Float64Array(nodes.length);
  const positions = new Map<string, number>();
  let total = 0;
  nodes.forEach((node, i) => {
    total += node.capacity;
    cumulative[i] = total;
    positions.set(node.id, i);
  });
  return { nodes, cumulative, total, positions };
}

/**
 * A node chosen with probability proportional to its capacity, skipping excluded ones.
 * Without exclusions in the set it is a binary search; with some, one linear pass.
 */
export function pickWeighted(set: WeightedSet, random: () => number, exclude?: ReadonlySet<string>): RouteNode | undefined {
  const { nodes, cumulative } = set;
  if (nodes.length === 0) return undefined;
  let excludedCapacity = 0;
  if (exclude !== undefined) {
    for (const id of exclude) {
      const at = set.positions.get(id);
      if (at !== undefined) excludedCapacity += nodes[at].capacity;
    }
  }
  if (excludedCapacity === 0) return nodes[firstAbove(cumulative, random() * set.total)];
  const remaining = set.total - excludedCapacity;
  // Capacities are positive, so this means every node of the set is excluded (the tolerance absorbs rounding).
  if (remaining <= set.total * 1e-12) return undefined;
  let target = random() * remaining;
  let last: RouteNode | undefined;
  for (const node of nodes) {
    if (exclude!.has(node.id)) continue;
    last = node;
    target -= node.capacity;
    if (target < 0) return node;
  }
  return last; // rounding left the target a hair above the sum
}

/** Index of the first cumulative weight above the target. */
function firstAbove(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
