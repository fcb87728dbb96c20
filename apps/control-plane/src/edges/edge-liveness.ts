import type { EdgeNodeStats } from '@cdn/shared';

/** When an edge stops reporting: pure decisions of (edge, clock), applied by EdgesService. */

/** Edges report every few seconds; three missed reports (~10 s) mean it is gone or cut off. */
export const EDGE_LOST_AFTER_MS = 10_000;
/** A lost edge stays listed this long so operators can see what disappeared. */
export const EDGE_FORGET_AFTER_MS = 10 * 60_000;

export interface EdgeRecord {
  id: string;
  /** Revision of the routing table the edge last said it serves. */
  revision: number;
  /** Where that table came from: the routing bucket, or the edge's --state-dir while it cannot read the bucket. */
  table: 'live' | 'saved';
  /** With table "saved": when the edge wrote it, by the edge's clock. */
  tableSavedAt?: number;
  /** When the last report arrived, by the control plane's clock (edge clocks may be skewed). */
  receivedAt: number;
  startedAt: number;
  address?: string;
  status: 'live' | 'lost';
  /** When it was declared lost. */
  lostAt?: number;
  /** What its latest report said of each node (passive health, in-flight requests), by node id. */
  nodes?: ReadonlyMap<string, EdgeNodeStats>;
}

export type EdgeChange = { kind: 'lost'; silentSeconds: number } | { kind: 'forget' } | undefined;

export function checkEdge(edge: EdgeRecord, now: number): EdgeChange {
  if (edge.status === 'live') {
    const silent = now - edge.receivedAt;
    return silent >= EDGE_LOST_AFTER_MS ? { kind: 'lost', silentSeconds: Math.floor(silent / 1000) } : undefined;
  }
  return now - (edge.lostAt ?? edge.receivedAt) >= EDGE_FORGET_AFTER_MS ? { kind: 'forget' } : undefined;
}

/** How many revisions the edge is behind the latest one; never negative (the edge may be ahead of our reader). */
export function edgeLag(edge: EdgeRecord, latestRevision: number): number {
  return Math.max(0, latestRevision - edge.revision);
}
