import type http from 'node:http';
import type https from 'node:https';
import { Balancer, buildRoutingTable, createBalancer, LbStrategy, RouteNode, RoutingTable } from '@cdn/shared';
import { LIVE_TABLE, TableOrigin } from './table-origin';

/** How to reach one node, built once per table so a forwarded request allocates no options. */
export interface NodeTarget {
  node: RouteNode;
  /** Options for http-proxy-3's `web()`: the node's URL (with its base path) and the keep-alive agent. */
  proxyOptions: { target: URL; agent: http.Agent | https.Agent };
}

/** Everything a request needs from one routing table; replaced whole, in one assignment, on every new table. */
export interface RoutingState {
  table: RoutingTable;
  /** Chooses the node for a request (--lb-strategy), built once per table. */
  balancer: Balancer;
  targets: ReadonlyMap<string, NodeTarget>;
  activeCount: number;
  /** The control plane's cache toggle combined with the edge's own --disable-cache. */
  cacheOn: boolean;
  /** Live from the routing source, or saved in --state-dir by an earlier run. */
  origin: TableOrigin;
}

export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

export interface RoutingChoices {
  /** The edge's own --disable-cache. */
  edgeCacheEnabled: boolean;
  strategy: LbStrategy;
  /** Try unhealthy nodes when no healthy one is left (rather than answer 503). */
  panic: boolean;
}

/**
 * The state that serves `table`, node by node: a node this edge cannot reach by its URL is left out (and told to
 * `onUnusable`) and the others are served, so one bad entry never holds back the table.
 */
export function buildRoutingState(
  table: RoutingTable,
  agents: Agents,
  choices: RoutingChoices,
  onUnusable: (node: RouteNode, reason: string) => void = () => undefined,
  origin: TableOrigin = LIVE_TABLE,
): RoutingState {
  const targets = new Map<string, NodeTarget>();
  const usable: RouteNode[] = [];
  let activeCount = 0;
  for (const node of table.nodes) {
    let target: URL;
    try {
      target = new URL(node.url);
    } catch {
      onUnusable(node, 'its URL does not parse');
      continue;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      onUnusable(node, `its URL is not http or https (${target.protocol})`);
      continue;
    }
    usable.push(node);
    targets.set(node.id, { node, proxyOptions: { target, agent: target.protocol === 'https:' ? agents.https : agents.http } });
    if (node.status === 'active') activeCount += 1;
  }
  // The balancer sees only the nodes it may pick.
  const served = usable.length === table.nodes.length ? table : buildRoutingTable(table.revision, usable, table.settings);
  return {
    table: served,
    balancer: createBalancer(served, choices.strategy, { panic: choices.panic }),
    targets,
    activeCount,
    cacheOn: choices.edgeCacheEnabled && table.settings.cacheEnabled,
    origin,
  };
}
