import { describe, expect, it } from 'vitest';
import { applyHealthInput } from '../../health/node-health';
import { newNode, type NodeState } from '../node-state';
import { decodeNode, encodeNode } from './node-record';

const T0 = Date.parse('2024-01-01T12:00:00Z');
const SETTINGS = { nodeTimeout: 30, healthyThreshold: 2, unhealthyThreshold: 3 };

function probed(node: NodeState, ok: boolean, at: number): NodeState {
  const { health, failures } = applyHealthInput(node.health, { kind: 'probe', at, ok, result: ok ? 'HTTP 200 in 1 ms' : 'ECONNREFUSED' }, SETTINGS, node.lastHeartbeat);
  return { ...node, health, failCount: node.failCount + failures };
}

describe('a node in the node bucket', () => {
  const node: NodeState = { ...newNode({ id: 'node1', url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, lat: 39.9, lon: 116.4 }, T0), tokenSha256: 'a'.repeat(64), currentLoad: 7 };

  it('comes back as it was written: what it declared, its load, token hash and health', () => {
    expect(decodeNode('node1', encodeNode(node), undefined, T0)).toEqual(node);
  });

  it('keeps a new leader out of service for a node the previous one took out, with why and since when', () => {
    const down = [1, 2, 3].reduce((n, i) => probed(n, false, T0 + i * 1000), node);
    expect(down.health.status).toBe('inactive');
    const resumed = decodeNode('node1', encodeNode(down), undefined, T0 + 10_000) as NodeState;
    expect(resumed.health).toMatchObject({ status: 'inactive', since: down.health.since, reason: down.health.reason, probe: { verdict: 'down', consecutiveFailures: 0 } });
    expect(resumed.health.transitions).toEqual(down.health.transitions);
    expect(resumed.failCount).toBe(3);
  });

  it('leaves probe counters and results out, so that a probe round that changes nothing writes nothing', () => {
    const once = probed(node, true, T0 + 1000);
    const twice = probed(once, true, T0 + 2000);
    expect(twice.health.probe.consecutiveSuccesses).toBe(2);
    expect(encodeNode(twice)).toBe(encodeNode(once));
  });

  it('keeps what this replica observed of the node when another replica changed it', () => {
    const observed = probed(node, true, T0 + 1000);
    const elsewhere = { ...node, capacity: 50 };
    expect(decodeNode('node1', encodeNode(elsewhere), observed, T0 + 2000)).toMatchObject({ capacity: 50, health: { probe: observed.health.probe } });
  });

  it('says why a value that is not a node record was ignored', () => {
    expect(decodeNode('node1', 'nope', undefined, T0)).toBe('not JSON');
    expect(decodeNode('node1', JSON.stringify({ url: 'http://x' }), undefined, T0)).toMatch(/location/);
  });
});
