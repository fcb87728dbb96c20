import type { EdgeNodeStats } from '@cdn/shared';
import type { PassiveRecord } from './node-health';

/** An edge counts as reporting errors for a node when it failed at least this share of its requests there. */
export const PASSIVE_FAILURE_RATIO = 0.5;

/** Whether one edge's latest stats for a node say the node is failing. */
export function edgeReportsErrors(stats: EdgeNodeStats | undefined): boolean {
  if (!stats || stats.failures <= 0) return false;
  // Failures with no request counted (an edge that counts only failures) are all failures.
  return stats.requests <= 0 || stats.failures / stats.requests >= PASSIVE_FAILURE_RATIO;
}

/** What the live edges' latest reports say of each node; every registered node gets a record. */
export function passiveRecords(nodeIds: readonly string[], liveEdges: readonly { nodes?: Record<string, EdgeNodeStats> }[]): Map<string, PassiveRecord> {
  const records = new Map<string, PassiveRecord>();
  for (const id of nodeIds) {
    let reporting = 0;
    let lastError: string | undefined;
    for (const edge of liveEdges) {
      const stats = edge.nodes?.[id];
      if (!edgeReportsErrors(stats)) continue;
      reporting += 1;
      lastError = stats?.lastError ?? lastError;
    }
    records.set(id, { edgesReportingErrors: reporting, edgesLive: liveEdges.length, ...(lastError !== undefined ? { lastError } : {}) });
  }
  return records;
}

export function samePassive(a: PassiveRecord, b: PassiveRecord): boolean {
  return a.edgesReportingErrors === b.edgesReportingErrors && a.edgesLive === b.edgesLive && a.lastError === b.lastError;
}
