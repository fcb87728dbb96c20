import { NodeRegistration, RouteNode, StoredNode, DEFAULT_HEARTBEAT_INTERVAL } from '@cdn/shared';

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
  isActive: boolean;
  failCount: number;
  /** The load the node last reported; 0 until it reports one. */
  currentLoad: number;
}

/** One entry of `GET /nodes`, exactly as the seed answers it. */
export interface NodeView {
  id: string;
  url: string;
  location: string;
  capacity: number;
  current_load: number;
  status: 'active' | 'inactive';
  last_heartbeat: string;
}

/** `GET /nodes/<id>`: the list entry and what the seed only kept in its file. */
export interface NodeDetail extends NodeView {
  heartbeat_interval: number;
  fail_count: number;
}

export function newNode(registration: NodeRegistration, now: number): NodeState {
  return {
    id: registration.id,
    url: registration.url,
    location: registration.location,
    capacity: registration.capacity,
    heartbeatInterval: registration.heartbeat_interval ?? DEFAULT_HEARTBEAT_INTERVAL,
    lastHeartbeat: now,
    isActive: true,
    failCount: 0,
    currentLoad: 0,
  };
}

/** Re-registration updates what the node says of itself and keeps what we observed (load, failures). */
export function updatedNode(node: NodeState, registration: NodeRegistration): NodeState {
  return {
    ...node,
    url: registration.url,
    location: registration.location,
    capacity: registration.capacity,
    heartbeatInterval: registration.heartbeat_interval ?? node.heartbeatInterval,
  };
}

export function fromStoredNode(id: string, stored: StoredNode): NodeState {
  return {
    id,
    url: stored.url,
    location: stored.location,
    capacity: stored.capacity,
    heartbeatInterval: stored.heartbeat_interval,
    lastHeartbeat: Date.parse(stored.last_heartbeat),
    isActive: stored.is_active,
    failCount: stored.fail_count,
    currentLoad: stored.current_load,
  };
}

export function toStoredNode(node: NodeState): StoredNode {
  return {
    url: node.url,
    location: node.location,
    capacity: node.capacity,
    heartbeat_interval: node.heartbeatInterval,
    last_heartbeat: new Date(node.lastHeartbeat).toISOString(),
    is_active: node.isActive,
    fail_count: node.failCount,
    current_load: node.currentLoad,
  };
}

export function toRouteNode(node: NodeState): RouteNode {
  return { id: node.id, url: node.url, location: node.location, capacity: node.capacity, status: node.isActive ? 'active' : 'inactive', load: node.currentLoad };
}

/** Whether edges must hear about the change from `before` to `after` (a bare heartbeat changes nothing they use). */
export function routingChanged(before: NodeState | undefined, after: NodeState): boolean {
  if (!before) return true;
  const a = toRouteNode(before);
  const b = toRouteNode(after);
  return a.url !== b.url || a.location !== b.location || a.capacity !== b.capacity || a.status !== b.status || a.load !== b.load;
}

export function toNodeView(node: NodeState): NodeView {
  return {
    id: node.id,
    url: node.url,
    location: node.location,
    capacity: node.capacity,
    current_load: node.currentLoad,
    status: node.isActive ? 'active' : 'inactive',
    last_heartbeat: new Date(node.lastHeartbeat).toISOString(),
  };
}

export function toNodeDetail(node: NodeState): NodeDetail {
  return { ...toNodeView(node), heartbeat_interval: node.heartbeatInterval, fail_count: node.failCount };
}
