import type { RouteNode } from '../routing-table';
import type { TierPicker } from './types';

/**
 * `least-load`: the node with the lowest load relative to capacity, ties broken at random.
 * An exact scan rather than power-of-two-choices: with 50 nodes it costs under a microsecond, and the
 * load counts in-flight requests of every edge, so the herd that P2C guards against is seen as it forms.
 */
export function leastLoadPicker(nodes: readonly RouteNode[]): TierPicker {
  return (_request, exclude, loadOf, random) => {
    let best: RouteNode | undefined;
    let bestRatio = Number.POSITIVE_INFINITY;
    let ties = 0;
    for (const node of nodes) {
      if (exclude !== undefined && exclude.has(node.id)) continue;
      const ratio = loadOf(node.id) / node.capacity;
      if (ratio < bestRatio || best === undefined) {
        best = node;
        bestRatio = ratio;
        ties = 1;
      } else if (ratio === bestRatio) {
        // Reservoir sampling: each of the k tied nodes ends up chosen with probability 1/k.
        ties++;
        if (random() * ties < 1) best = node;
      }
    }
    return best;
  };
}
