/** The dashboard's header figures and edge table, as pure functions of what the services hold. */
import { NODE_STATUSES, type NodeStatus } from '@cdn/shared';
import type { EdgeView } from '../edges/edges.service';
import type { NodeState } from '../nodes/node-state';

export interface DashboardSummary {
  /** Nodes by status, and all of them. */
  nodes: Record<NodeStatus, number> & { total: number };
  edges: { live: number; lost: number; max_lag: number };
  /** The latest routing revision this control plane published or read. */
  revision: number;
  cache_enabled: boolean;
  /** This control-plane replica, and whether it leads (the all-in-one always does). */
  replica: { self: string; leader: boolean };
}

export interface SummaryInputs {
  nodes: readonly NodeState[];
  edges: { revision: number; edges: readonly EdgeView[] };
  cacheEnabled: boolean;
  replica: { self: string; leader: boolean };
}

export function summarize({ nodes, edges, cacheEnabled, replica }: SummaryInputs): DashboardSummary {
  const counts = Object.fromEntries(NODE_STATUSES.map((status) => [status, 0])) as Record<NodeStatus, number>;
  for (const node of nodes) counts[node.health.status]++;
  const live = edges.edges.filter((edge) => edge.status === 'live');
  return {
    nodes: { ...counts, total: nodes.length },
    edges: { live: live.length, lost: edges.edges.length - live.length, max_lag: live.reduce((max, edge) => Math.max(max, edge.lag), 0) },
    revision: edges.revision,
    cache_enabled: cacheEnabled,
    replica,
  };
}

/** What an edge table means, without its report ages (which change every second; the page counts them on). */
export function edgesKey(edges: { revision: number; edges: readonly EdgeView[] }): string {
  return JSON.stringify([edges.revision, edges.edges.map((e) => [e.id, e.revision, e.lag, e.status, e.table_source, e.started_at])]);
}
