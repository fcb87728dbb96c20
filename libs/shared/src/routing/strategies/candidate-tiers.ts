import type { NodeStatus, RouteNode } from '../routing-table';

/**
 * Statuses in the order they are tried: active nodes take traffic; suspect, then inactive ones only
 * in panic (nothing active is left), because failing over to a doubtful node beats failing the request.
 * Draining nodes are never tried: an operator asked for no new traffic.
 */
const PANIC_ORDER: readonly NodeStatus[] = ['active', 'suspect', 'inactive'];

/** The non-empty groups of candidate nodes, by status, in the order they are tried. */
export function candidateTiers(nodes: readonly RouteNode[], panic: boolean): RouteNode[][] {
  const statuses = panic ? PANIC_ORDER : PANIC_ORDER.slice(0, 1);
  return statuses.map((status) => nodes.filter((node) => node.status === status)).filter((tier) => tier.length > 0);
}
