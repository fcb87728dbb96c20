import type { NodeStatus } from '@cdn/shared';
import { explain, HealthSettings } from '../health/node-health';
import { ageSeconds } from '../health/node-health-reasons';
import type { NodeState } from './node-state';

/** One entry of `GET /nodes`, exactly as the seed answers it (status may also be suspect or draining). */
export interface NodeView {
  id: string;
  url: string;
  location: string;
  capacity: number;
  /** Live load: the heartbeat's load plus the requests every live edge has in flight to the node. */
  current_load: number;
  status: NodeStatus;
  last_heartbeat: string;
}

/** `GET /nodes/<id>`: the list entry, what the seed only kept in its file, and why the node has its status. */
export interface NodeDetail extends NodeView {
  heartbeat_interval: number;
  fail_count: number;
  lat?: number;
  lon?: number;
  health: HealthView;
}

export interface HealthView {
  status: NodeStatus;
  reason: string;
  since: string;
  probe: { last_result: string | null; last_at: string | null; consecutive_failures: number; consecutive_successes: number };
  heartbeat: { last: string; age_seconds: number };
  passive: { edges_reporting_errors: number; edges_live: number; last_error: string | null };
  transitions: { at: string; from: NodeStatus; to: NodeStatus; reason: string }[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toNodeView(node: NodeState, liveLoad: number): NodeView {
  return {
    id: node.id,
    url: node.url,
    location: node.location,
    capacity: node.capacity,
    current_load: liveLoad,
    status: node.health.status,
    last_heartbeat: iso(node.lastHeartbeat),
  };
}

export function toNodeDetail(node: NodeState, liveLoad: number, now: number, settings: HealthSettings): NodeDetail {
  const { health } = node;
  return {
    ...toNodeView(node, liveLoad),
    heartbeat_interval: node.heartbeatInterval,
    fail_count: node.failCount,
    ...(node.lat !== undefined ? { lat: node.lat } : {}),
    ...(node.lon !== undefined ? { lon: node.lon } : {}),
    health: {
      status: health.status,
      reason: explain(health, now, node.lastHeartbeat, settings),
      since: iso(health.since),
      probe: {
        last_result: health.probe.lastResult ?? null,
        last_at: health.probe.lastAt === undefined ? null : iso(health.probe.lastAt),
        consecutive_failures: health.probe.consecutiveFailures,
        consecutive_successes: health.probe.consecutiveSuccesses,
      },
      heartbeat: { last: iso(node.lastHeartbeat), age_seconds: ageSeconds(node.lastHeartbeat, now) },
      passive: {
        edges_reporting_errors: health.passive.edgesReportingErrors,
        edges_live: health.passive.edgesLive,
        last_error: health.passive.lastError ?? null,
      },
      transitions: health.transitions.map((t) => ({ at: iso(t.at), from: t.from, to: t.to, reason: t.reason })),
    },
  };
}
