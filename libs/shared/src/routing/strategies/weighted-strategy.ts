import type { RouteNode } from '../routing-table';
import type { TierPicker } from './types';
import { pickWeighted, type WeightedSet, weightedSet } from './weighted-choice';

/**
 * `weighted`: random by capacity, among the nodes whose location equals the client's exactly when
 * any is left, else among all. The behaviour edges had before strategies existed.
 */
export function weightedPicker(nodes: readonly RouteNode[]): TierPicker {
  const all = weightedSet(nodes);
  const byLocation = new Map<string, WeightedSet>();
  for (const location of new Set(nodes.map((node) => node.location))) {
    byLocation.set(location, weightedSet(nodes.filter((node) => node.location === location)));
  }
  return (request, exclude, _loadOf, random) => {
    const local = request.clientLocation === undefined ? undefined : byLocation.get(request.clientLocation);
    return (local && pickWeighted(local, random, exclude)) ?? pickWeighted(all, random, exclude);
  };
}
