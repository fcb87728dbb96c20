import type { RouteNode, RoutingTable } from './routing-table';
import { createBalancer } from './strategies/create-balancer';

/** Chooses a node for one request; `random` returns a number in [0, 1). */
export type NodeSelector = (clientLocation: string | undefined, random: () => number) => RouteNode | undefined;

const NO_LOAD = (): number => 0;

/**
 * Capacity-weighted choice among active nodes, preferring those whose location equals the client's.
 * @deprecated Use `createBalancer(table, 'weighted', { panic: false })`; kept until the edge switches over.
 */
export function createWeightedSelector(table: RoutingTable): NodeSelector {
  const balancer = createBalancer(table, 'weighted', { panic: false });
  return (clientLocation, random) => balancer.pick({ key: '', clientLocation }, NO_LOAD, random);
}
