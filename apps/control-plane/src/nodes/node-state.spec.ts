import { describe, expect, it } from 'vitest';
import { fromStoredNode, isActive, newNode, routingChanged, toRouteNode, toStoredNode, updatedNode } from './node-state';

const T0 = Date.parse('2024-01-01T12:00:00Z');
const node1 = newNode({ id: 'node1', url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100 }, T0);

describe('node state', () => {
  it('defaults heartbeat_interval to 10 and starts active with no load', () => {
    expect(node1).toMatchObject({ heartbeatInterval: 10, failCount: 0, currentLoad: 0, lastHeartbeat: T0, health: { status: 'active' } });
  });

  it('round-trips through the seed file format', () => {
    const stored = toStoredNode({ ...node1, currentLoad: 5, failCount: 2 });
    expect(stored).toEqual({
      url: 'http://cdn1.example.com',
      location: 'Beijing',
      capacity: 100,
      heartbeat_interval: 10,
      last_heartbeat: '2024-01-01T12:00:00.000Z',
      is_active: true,
      fail_count: 2,
      current_load: 5,
    });
    expect(fromStoredNode('node1', stored, T0)).toEqual({ ...node1, currentLoad: 5, failCount: 2 });
  });

  it('saves a drain and coordinates as extra fields, and loads them back', () => {
    const drained = { ...node1, lat: 39.9, lon: 116.4, health: { ...node1.health, drained: true, status: 'draining' as const } };
    const stored = toStoredNode(drained);
    expect(stored).toMatchObject({ is_active: false, state: 'draining', lat: 39.9, lon: 116.4 });
    const loaded = fromStoredNode('node1', stored, T0);
    expect(loaded.health).toMatchObject({ status: 'draining', drained: true, heartbeatLate: false });
    expect(toRouteNode(loaded)).toMatchObject({ status: 'draining', lat: 39.9, lon: 116.4 });
  });

  it('a node saved inactive stays inactive until its next heartbeat', () => {
    const loaded = fromStoredNode('node1', { ...toStoredNode(node1), is_active: false }, T0);
    expect(isActive(loaded)).toBe(false);
    expect(loaded.health).toMatchObject({ status: 'inactive', heartbeatLate: true });
  });

  it('re-registration updates what the node declares and keeps load and failures', () => {
    const updated = updatedNode({ ...node1, currentLoad: 3, failCount: 1 }, { id: 'node1', url: 'https://new.example.com', location: 'Shanghai', capacity: 50, lat: 31.2, lon: 121.5 });
    expect(updated).toMatchObject({ url: 'https://new.example.com', location: 'Shanghai', capacity: 50, heartbeatInterval: 10, currentLoad: 3, failCount: 1, lat: 31.2, lon: 121.5 });
  });

  it('a heartbeat is not a routing change, whatever load it reports; status and capacity are', () => {
    expect(routingChanged(node1, { ...node1, lastHeartbeat: T0 + 1_000 })).toBe(false);
    expect(routingChanged(node1, { ...node1, health: { ...node1.health, status: 'suspect' } })).toBe(true);
    expect(routingChanged(node1, { ...node1, currentLoad: 1 })).toBe(false);
    expect(routingChanged(node1, { ...node1, capacity: 1 })).toBe(true);
    expect(routingChanged(node1, { ...node1, lat: 1 })).toBe(true);
    expect(routingChanged(undefined, node1)).toBe(true);
  });
});
