/**
 * The dashboard's node table, as pure functions: one row per node, and what changed since the rows a
 * client was last sent. With 1,000 nodes the table is sent whole only now and then; in between, only
 * the rows whose meaning changed go out.
 */
import type { NodeStatus } from '@cdn/shared';
import { explain, HealthSettings } from '../health/node-health';
import type { NodeState } from '../nodes/node-state';

/** One node as the dashboard shows it. */
export interface NodeRow {
  id: string;
  url: string;
  location: string;
  capacity: number;
  /** Live load: the heartbeat's load plus the requests every live edge has in flight to it (as GET /nodes). */
  load: number;
  status: NodeStatus;
  /** Why it has its status, as GET /nodes/<id> explains it. */
  reason: string;
  /** When the status began (ISO). */
  since: string;
  last_heartbeat: string;
}

export function toNodeRow(node: NodeState, load: number, now: number, settings: HealthSettings): NodeRow {
  return {
    id: node.id,
    url: node.url,
    location: node.location,
    capacity: node.capacity,
    load,
    status: node.health.status,
    reason: explain(node.health, now, node.lastHeartbeat, settings),
    since: new Date(node.health.since).toISOString(),
    last_heartbeat: new Date(node.lastHeartbeat).toISOString(),
  };
}

/**
 * What a row means, without what changes by itself every second or every probe (heartbeat ages, probe
 * timings in the reason, the heartbeat time, runs of probes longer than their threshold): two rows with the same key look the same to an operator,
 * so a row is re-sent only when its key changes. The reason's volatile parts are refreshed by the full
 * table; heartbeat times travel on their own (diffNodes).
 */
export function rowKey(node: NodeState, load: number, settings: HealthSettings): string {
  const { health } = node;
  // Runs of probes grow with every probe; past the threshold that acts on them, a longer run means nothing new.
  const failures = Math.min(health.probe.consecutiveFailures, settings.unhealthyThreshold);
  const successes = Math.min(health.probe.consecutiveSuccesses, settings.healthyThreshold);
  return [
    health.status,
    health.since,
    load,
    node.capacity,
    node.location,
    node.url,
    health.drained,
    health.heartbeatLate,
    health.probe.verdict,
    failures,
    successes,
    health.passive.edgesReportingErrors,
    health.passive.edgesLive,
    health.passive.lastError ?? '',
    health.suspicion?.confirmations ?? -1,
  ].join('\u0000');
}

/** What was last sent of a node: its row's key, and its heartbeat time. */
export interface SentRow {
  key: string;
  heartbeat: number;
}

/** Rows to add or replace, ids to remove, and newer heartbeat times ([id, ISO time]) of rows that did not change otherwise. */
export interface NodeChanges {
  upsert: NodeRow[];
  remove: string[];
  heartbeats: [string, string][];
}

/**
 * Compares the table with what was last sent, and updates `sent` to the table. Rows are built only for
 * the nodes that changed: a quiet table of 1,000 nodes costs 1,000 keys, not 1,000 explanations. A
 * heartbeat alone sends its time (some 30 bytes), so that the page can show its age truly.
 */
export function diffNodes(nodes: readonly NodeState[], loads: ReadonlyMap<string, number>, sent: Map<string, SentRow>, now: number, settings: HealthSettings): NodeChanges {
  const changes: NodeChanges = { upsert: [], remove: [], heartbeats: [] };
  const present = new Set<string>();
  for (const node of nodes) {
    present.add(node.id);
    const load = loads.get(node.id) ?? node.currentLoad;
    const key = rowKey(node, load, settings);
    const before = sent.get(node.id);
    if (before?.key === key) {
      if (before.heartbeat !== node.lastHeartbeat) {
        before.heartbeat = node.lastHeartbeat;
        changes.heartbeats.push([node.id, new Date(node.lastHeartbeat).toISOString()]);
      }
      continue;
    }
    sent.set(node.id, { key, heartbeat: node.lastHeartbeat });
    changes.upsert.push(toNodeRow(node, load, now, settings));
  }
  for (const id of sent.keys()) {
    if (present.has(id)) continue;
    sent.delete(id);
    changes.remove.push(id);
  }
  return changes;
}

export function isEmpty(changes: NodeChanges): boolean {
  return changes.upsert.length === 0 && changes.remove.length === 0 && changes.heartbeats.length === 0;
}

/** Every row, and `sent` reset to them: after a full table, changes are measured from it. */
export function allNodes(nodes: readonly NodeState[], loads: ReadonlyMap<string, number>, sent: Map<string, SentRow>, now: number, settings: HealthSettings): NodeRow[] {
  sent.clear();
  return nodes.map((node) => {
    const load = loads.get(node.id) ?? node.currentLoad;
    sent.set(node.id, { key: rowKey(node, load, settings), heartbeat: node.lastHeartbeat });
    return toNodeRow(node, load, now, settings);
  });
}
