import { describe, expect, it } from 'vitest';
import type { HealthSettings } from '../health/node-health';
import { newNode, NodeState } from '../nodes/node-state';
import { allNodes, diffNodes, SentRow } from './node-rows';

const SETTINGS: HealthSettings = { nodeTimeout: 10, healthyThreshold: 2, unhealthyThreshold: 3 };
const T0 = Date.parse('2026-11-29T12:00:00.000Z');

function node(id: string, change: (n: NodeState) => NodeState = (n) => n): NodeState {
  return change(newNode({ id, url: `http://${id}.example`, location: 'Beijing', capacity: 100 }, T0));
}

function probed(n: NodeState, successes: number, failures = 0, result = 'HTTP 200 in 3 ms'): NodeState {
  return { ...n, health: { ...n.health, probe: { ...n.health.probe, consecutiveSuccesses: successes, consecutiveFailures: failures, lastResult: result } } };
}

const noLoads = new Map<string, number>();

function baseline(nodes: NodeState[]): Map<string, SentRow> {
  const sent = new Map<string, SentRow>();
  allNodes(nodes, noLoads, sent, T0, SETTINGS);
  return sent;
}

describe('diffNodes', () => {
  it('sends nothing for a table that did not change', () => {
    const nodes = [node('a'), node('b')];
    expect(diffNodes(nodes, noLoads, baseline(nodes), T0 + 1000, SETTINGS)).toEqual({ upsert: [], remove: [], heartbeats: [] });
  });

  it('does not resend a healthy node for each probe that succeeds, nor for its timing', () => {
    const sent = baseline([probed(node('a'), 5)]);
    expect(diffNodes([probed(node('a'), 6, 0, 'HTTP 200 in 9 ms')], noLoads, sent, T0, SETTINGS).upsert).toEqual([]);
  });

  it('resends a node whose failed probes near the threshold, then not for failures past it', () => {
    const sent = baseline([node('a')]);
    const once = diffNodes([probed(node('a'), 0, 1, 'ECONNREFUSED')], noLoads, sent, T0, SETTINGS);
    expect(once.upsert).toEqual([expect.objectContaining({ id: 'a', status: 'active', reason: expect.stringContaining('1 failed probe') })]);
    diffNodes([probed(node('a'), 0, 3, 'ECONNREFUSED')], noLoads, sent, T0, SETTINGS);
    expect(diffNodes([probed(node('a'), 0, 9, 'ECONNREFUSED')], noLoads, sent, T0, SETTINGS).upsert).toEqual([]);
  });

  it('resends a node whose status, load or capacity changed', () => {
    const sent = baseline([node('a'), node('b'), node('c')]);
    const changes = diffNodes(
      [node('a', (n) => ({ ...n, health: { ...n.health, status: 'draining', drained: true } })), node('b'), node('c', (n) => ({ ...n, capacity: 5 }))],
      new Map([['b', 7]]),
      sent,
      T0,
      SETTINGS,
    );
    expect(changes.upsert.map((row) => [row.id, row.status, row.load, row.capacity])).toEqual([
      ['a', 'draining', 0, 100],
      ['b', 'active', 7, 100],
      ['c', 'active', 0, 5],
    ]);
  });

  it('sends a heartbeat alone as its time, and a node that left as its id', () => {
    const sent = baseline([node('a'), node('b')]);
    const changes = diffNodes([node('a', (n) => ({ ...n, lastHeartbeat: T0 + 5000 }))], noLoads, sent, T0 + 5000, SETTINGS);
    expect(changes).toEqual({ upsert: [], remove: ['b'], heartbeats: [['a', '2026-11-29T12:00:05.000Z']] });
    expect(diffNodes([node('a', (n) => ({ ...n, lastHeartbeat: T0 + 5000 }))], noLoads, sent, T0 + 6000, SETTINGS)).toEqual({ upsert: [], remove: [], heartbeats: [] });
  });
});
