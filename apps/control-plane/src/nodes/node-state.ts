import { NodeRegistration, RouteNode, StoredNode, DEFAULT_HEARTBEAT_INTERVAL } from '@cdn/shared';
import { initialHealth, NodeHealth } from '../health/node-health';

/** A node as the control plane holds it in memory. */
export interface NodeState {
  id: string;
  url: string;
  location: string;
  capacity: number;
  /** Seconds between the heartbeats the node promised to send. */
  heartbeatInterval: number;
  /** Milliseconds since the epoch. */
  lastHeartbeat: number;
  /** Failed probes and heartbeat timeouts, ever (the seed's fail_count). */
  failCount: number;
  /** The load the node last reported in a heartbeat; 0 until it reports one. Edges' in-flight requests are added for display. */
  currentLoad: number;
  lat?: number;
  lon?: number;
  /** SHA-256 (hex) of the node's own token (heartbeats only); the token itself is never kept. */
  tokenSha256?: string;
  health: NodeHealth;
}

export function isActive(node: NodeState): boolean {
  return node.health.status === 'active';
}

export function newNode(registration: NodeRegistration, now: number): NodeState {
  return {
    id: registration.id,
    url: registration.url,
    location: registration.location,
    capacity: registration.capacity,
    heartbeatInterval: registration.heartbeat_interval ?? DEFAULT_HEARTBEAT_INTERVAL,
    lastHeartbeat: now,
    failCount: 0,
    currentLoad: 0,
    ...coordinates(registration),
    health: initialHealth(now),
  };
}

/** Re-registration updates what the node says of itself and keeps what we observed (load, failures, health, drain). */
export function updatedNode(node: NodeState, registration: NodeRegistration): NodeState {
  const { lat: _lat, lon: _lon, ...rest } = node;
  return {
    ...rest,
    url: registration.url,
    location: registration.location,
    capacity: registration.capacity,
    heartbeatInterval: registration.heartbeat_interval ?? node.heartbeatInterval,
    ...coordinates(registration),
  };
}

function coordinates(from: { lat?: number; lon?: number }): { lat?: number; lon?: number } {
  return { ...(from.lat !== undefined ? { lat: from.lat } : {}), ...(from.lon !== undefined ? { lon: from.lon } : {}) };
}

/**
 * A saved node: a drained one stays drained; one saved inactive stays inactive until its next
 * heartbeat (as in the seed), whatever made it inactive then.
 */
export function fromStoredNode(id: string, stored: StoredNode, now: number): NodeState {
  const drained = stored.state === 'draining';
  return {
    id,
    url: stored.url,
    location: stored.location,
    capacity: stored.capacity,
    heartbeatInterval: stored.heartbeat_interval,
    lastHeartbeat: Date.parse(stored.last_heartbeat),
    failCount: stored.fail_count,
    currentLoad: stored.current_load,
    ...coordinates(stored),
    ...(stored.token_sha256 !== undefined ? { tokenSha256: stored.token_sha256 } : {}),
    health: initialHealth(now, { drained, heartbeatLate: !stored.is_active && !drained }),
  };
}

/** The seed's format; `state`, `lat`, `lon` and `token_sha256` only when they have a value, so seed files round-trip unchanged. */
export function toStoredNode(node: NodeState): StoredNode {
  return {
    url: node.url,
    location: node.location,
    capacity: node.capacity,
    heartbeat_interval: node.heartbeatInterval,
    last_heartbeat: new Date(node.lastHeartbeat).toISOString(),
    is_active: isActive(node),
    fail_count: node.failCount,
    current_load: node.currentLoad,
    ...(node.health.drained ? { state: 'draining' as const } : {}),
    ...coordinates(node),
    ...(node.tokenSha256 !== undefined ? { token_sha256: node.tokenSha256 } : {}),
  };
}

/** What edges route by; the load is the heartbeat's (live load travels on the node-load broadcast, not in the table). */
export function toRouteNode(node: NodeState): RouteNode {
  return {
    id: node.id,
    url: node.url,
    location: node.location,
    capacity: node.capacity,
    status: node.health.status,
    load: node.currentLoad,
    ...coordinates(node),
  };
}

/**
 * Whether edges must hear about the change from `before` to `after` through the routing table. A heartbeat
 * changes nothing they need from it: a new load reaches them within a second on the live-load broadcast, and
 * a routing write per heartbeat would make every edge rebuild its table a thousand times a second at 10,000
 * nodes. The table's `load` is brought up to date whenever the node's entry is written for another reason.
 */
export function routingChanged(before: NodeState | undefined, after: NodeState): boolean {
  if (!before) return true;
  return JSON.stringify({ ...toRouteNode(before), load: 0 }) !== JSON.stringify({ ...toRouteNode(after), load: 0 });
}

/** Whether cdn_nodes.json must be written again. */
export function storedChanged(before: NodeState | undefined, after: NodeState): boolean {
  if (!before) return true;
  return JSON.stringify(toStoredNode(before)) !== JSON.stringify(toStoredNode(after));
}

/**
 * Whether `before` and `after` differ in what must be saved before a change is answered: the node's
 * existence and what an operator or the node itself declared (a re-registration with the same fields is
 * no more than a heartbeat). Heartbeat times, loads, failures and health wait for the next snapshot.
 */
export function durableChanged(before: NodeState | undefined, after: NodeState | undefined): boolean {
  if (!before || !after) return before !== after;
  const declared = (node: NodeState) => {
    const { last_heartbeat: _t, is_active: _a, fail_count: _f, current_load: _l, ...rest } = toStoredNode(node);
    return JSON.stringify(rest);
  };
  return declared(before) !== declared(after);
}
