import { LB_STRATEGY_NAMES } from '../../config/options';
import type { RouteNode } from '../routing-table';

/** The node-selection strategies an edge can run: the same list `--lb-strategy` accepts, so they cannot drift. */
export const LB_STRATEGIES = LB_STRATEGY_NAMES;
export type LbStrategy = (typeof LB_STRATEGIES)[number];

export interface PickRequest {
  /** The cache key of the request (path + query): consistent hashing maps it to a node. */
  key: string;
  /** X-Client-Location: a location name ("Beijing"), a region path ("CN/Beijing"), or "lat,lon" ("39.9,116.4"). */
  clientLocation: string | undefined;
  /** Nodes not to pick: already tried for this request, or ejected by the edge's passive checks. */
  exclude?: ReadonlySet<string>;
}

/**
 * Live load of a node: in-flight requests reported by all edges plus the load it reports in heartbeats. `total`,
 * when the source keeps it, is the sum over many nodes without asking each: bounded-load picks then cost the
 * same whatever the size of the table.
 */
export type LoadOf = ((nodeId: string) => number) & { total?: (nodes: readonly RouteNode[]) => number };

/** Chooses a node per request; built once per routing table so a pick stays cheap. */
export interface Balancer {
  pick(request: PickRequest, loadOf: LoadOf, random: () => number): RouteNode | undefined;
}

export interface BalancerOptions {
  /** Bounded-load factor ε: no node takes more than (1+ε) × its capacity share of the current total load. Default 0.25. */
  epsilon?: number;
  /** When no node is active: try the others (suspect first, then inactive) rather than fail. Default true. Draining nodes are never picked. */
  panic?: boolean;
}

/**
 * One strategy applied to one fixed set of candidate nodes (a status tier).
 * Returns undefined only when every node of the set is excluded. `exclude` is the request's, or undefined
 * when it is empty, so pickers skip per-node lookups in the common case.
 */
export type TierPicker = (
  request: PickRequest,
  exclude: ReadonlySet<string> | undefined,
  loadOf: LoadOf,
  random: () => number,
) => RouteNode | undefined;

export const DEFAULT_EPSILON = 0.25;
