import type { EdgeNodeStats } from '@cdn/shared';
import type { PassiveRecord } from './node-health';

/** An edge counts as reporting errors for a node when it failed at least this share of its requests there... */
export const PASSIVE_FAILURE_RATIO = 0.5;

/**
 * ...and at least this many of them in the report: the passive counterpart of --unhealthy-threshold,
 * and the edge's own ejection threshold (3 in a row). One refused request is noise, not evidence.
 */
export const MIN_PASSIVE_FAILURES = 3;

/**
 * Whether one edge's latest stats for a node are evidence that the node fails: the edge ejected it
 * and saw it fail in this report, or it failed at least MIN_PASSIVE_FAILURES of its requests there at
 * PASSIVE_FAILURE_RATIO or more.
 */
export function edgeReportsErrors(stats: EdgeNodeStats | undefined): boolean {
  if (!stats || stats.failures <= 0) return false;
  // An ejection needs 3 failures in a row, which may straddle two reports. An ejection with no
  // failure in this report is old news: it outlives its cause by 5-60 s, during which the edge sends
  // the node nothing; counting it would hold a node that probes show back.
  if (stats.ejected) return true;
  if (stats.failures < MIN_PASSIVE_FAILURES) return false;
  // Failures with no request counted (an edge that counts only failures) are all failures.
  return stats.requests <= 0 || stats.failures / stats.requests >= PASSIVE_FAILURE_RATIO;
}

/** What the live edges' latest reports say of each node; every registered node gets a record. */
export function passiveRecords(nodeIds: readonly string[], liveEdges: readonly { nodes?: ReadonlyMap<string, EdgeNodeStats> }[]): Map<string, PassiveRecord> {
  const records = new Map<string, PassiveRecord>();
  for (const id of nodeIds) {
    let reporting = 0;
    let lastError: string | undefined;
    for (const edge of liveEdges) {
      const stats = edge.nodes?.get(id);
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
