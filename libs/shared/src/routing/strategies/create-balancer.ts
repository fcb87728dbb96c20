import type { RouteNode, RoutingTable } from '../routing-table';
import { candidateTiers } from './candidate-tiers';
import { consistentHashPicker } from './consistent-hash-strategy';
import { defaultPicker } from './default-strategy';
import { geoPicker } from './geo-strategy';
import { leastLoadPicker } from './least-load-strategy';
import { type Balancer, type BalancerOptions, DEFAULT_EPSILON, LB_STRATEGIES, type LbStrategy, type TierPicker } from './types';
import { weightedPicker } from './weighted-strategy';

const PICKERS: Record<LbStrategy, (nodes: readonly RouteNode[], epsilon: number) => TierPicker> = {
  default: defaultPicker,
  weighted: weightedPicker,
  'least-load': leastLoadPicker,
  geo: geoPicker,
  'consistent-hash': consistentHashPicker,
};

/**
 * A balancer for one routing table: everything that depends only on the table (status tiers, location
 * groups, cumulative weights, node hashes) is built here, once, so pick() does no sorting and allocates nothing
 * on its steady path. Throws RangeError for an unknown strategy or a negative ε (a start-up mistake).
 */
export function createBalancer(table: RoutingTable, strategy: LbStrategy, options: BalancerOptions = {}): Balancer {
  if (!LB_STRATEGIES.includes(strategy)) throw new RangeError(`unknown load-balancing strategy "${strategy}"; expected one of ${LB_STRATEGIES.join(', ')}`);
  const epsilon = options.epsilon ?? DEFAULT_EPSILON;
  if (!Number.isFinite(epsilon) || epsilon < 0) throw new RangeError(`epsilon must be a finite number >= 0, got ${epsilon}`);
  const pickers = candidateTiers(table.nodes, options.panic ?? true).map((tier) => PICKERS[strategy](tier, epsilon));
  return {
    pick(request, loadOf, random) {
      const exclude = request.exclude !== undefined && request.exclude.size > 0 ? request.exclude : undefined;
      // A tier is tried only when every node of the tiers before it is excluded (or there are none).
      for (const picker of pickers) {
        const node = picker(request, exclude, loadOf, random);
        if (node !== undefined) return node;
      }
      return undefined;
    },
  };
}
