import type http from 'node:http';
import type https from 'node:https';
import { Balancer, createBalancer, LbStrategy, RouteNode, RoutingTable } from '@cdn/shared';

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

/** Throws when the table cannot be served (a URL that does not parse); the caller keeps the last good state. */
export function buildRoutingState(table: RoutingTable, agents: Agents, choices: RoutingChoices): RoutingState {
  const targets = new Map<string, NodeTarget>();
  let activeCount = 0;
  for (const node of table.nodes) {
    const target = new URL(node.url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`node ${node.id} has a non-HTTP URL ${node.url}`);
    targets.set(node.id, { node, proxyOptions: { target, agent: target.protocol === 'https:' ? agents.https : agents.http } });
    if (node.status === 'active') activeCount += 1;
  }
  return {
    table,
    balancer: createBalancer(table, choices.strategy, { panic: choices.panic }),
    targets,
    activeCount,
    cacheOn: choices.edgeCacheEnabled && table.settings.cacheEnabled,
  };
}
