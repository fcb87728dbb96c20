import { describe, expect, it } from 'vitest';
import { AlertDecision, alertPayload, AlertPolicy } from './alert-policy';

const T0 = Date.parse('2026-01-01T12:00:00Z');
const MIN = 60_000;
const sent = (decisions: AlertDecision[]) => decisions.filter((d) => d.action === 'send').map((d) => d.alert.event);
const cancelled = (decisions: AlertDecision[]) => decisions.filter((d) => d.action === 'cancel').map((d) => [d.alert.event, d.action === 'cancel' && d.why]);
const suppressed = (decisions: AlertDecision[]) => decisions.filter((d) => d.action === 'suppress').map((d) => [d.alert.event, d.action === 'suppress' && d.why]);

describe('de-duplication', () => {
  it('sends node_down once while the node stays down, then node_up', () => {
    const policy = new AlertPolicy();
    expect(sent(policy.nodeChanged('n1', 'down', 'no heartbeat for 12 s', T0))).toEqual(['node_down']);
    expect(suppressed(policy.nodeChanged('n1', 'down', '3 probe failures', T0 + MIN))).toEqual([['node_down', 'duplicate']]);
    expect(sent(policy.nodeChanged('n1', 'up', 'healthy', T0 + 2 * MIN))).toEqual(['node_up']);
  });

  it('does not announce node_up for a node never announced down (a drain undone)', () => {
    const policy = new AlertPolicy();
    expect(policy.nodeChanged('n1', 'neutral', 'drained by an operator', T0)).toEqual([]);
    expect(suppressed(policy.nodeChanged('n1', 'up', 'healthy', T0 + MIN))).toEqual([['node_up', 'duplicate']]);
  });

  it('sends all_nodes_down and all_nodes_recovered once each', () => {
    const policy = new AlertPolicy();
    expect(policy.activeCountChanged(1, 2, T0)).toEqual([]);
    const down = policy.activeCountChanged(0, 2, T0);
    expect(down).toEqual([{ action: 'send', alert: { event: 'all_nodes_down', reason: 'no active node among 2 registered', time: T0, severity: 'critical' } }]);
    expect(policy.activeCountChanged(0, 2, T0 + 1)).toEqual([]);
    expect(sent(policy.activeCountChanged(1, 2, T0 + 2))).toEqual(['all_nodes_recovered']);
    expect(policy.activeCountChanged(0, 0, T0 + 3)).toEqual([]);
  });

  it('sends edge_lost once until the edge reports again', () => {
    const policy = new AlertPolicy();
    expect(sent(policy.edgeLost('e1', 'no report for 10 s', T0))).toEqual(['edge_lost']);
    expect(sent(policy.edgeLost('e1', 'no report for 10 s', T0 + 1))).toEqual([]);
    policy.edgeBack('e1');
    expect(sent(policy.edgeLost('e1', 'no report for 10 s', T0 + 2))).toEqual(['edge_lost']);
  });
});

describe('flap damping', () => {
  it('holds a node that changed more than 4 times in 5 minutes: one flapping alert, the rest suppressed', () => {
    const policy = new AlertPolicy();
    const events: string[] = [];
    for (let i = 0; i < 4; i++) events.push(...sent(policy.nodeChanged('n1', i % 2 === 0 ? 'down' : 'up', 'x', T0 + i * 10_000)));
    expect(events).toEqual(['node_down', 'node_up', 'node_down', 'node_up']);
    const fifth = policy.nodeChanged('n1', 'down', 'probe failed', T0 + 40_000);
    expect(sent(fifth)).toEqual(['flapping']);
    expect(suppressed(fifth)).toEqual([['node_down', 'flapping']]);
    expect(policy.isHeld('n1')).toBe(true);
    expect(suppressed(policy.nodeChanged('n1', 'up', 'x', T0 + 50_000))).toEqual([['node_up', 'flapping']]);
    expect(sent(policy.nodeChanged('n1', 'down', 'x', T0 + 60_000))).toEqual([]);
  });

  it('changes spread over more than 5 minutes are not flapping', () => {
    const policy = new AlertPolicy();
    for (let i = 0; i < 10; i++) policy.nodeChanged('n1', i % 2 === 0 ? 'down' : 'up', 'x', T0 + i * 2 * MIN);
    expect(policy.isHeld('n1')).toBe(false);
  });

  it('releases the node once it stays put for 5 minutes, announcing where it ended when that changed', () => {
    const policy = new AlertPolicy();
    for (let i = 0; i < 5; i++) policy.nodeChanged('n1', i % 2 === 0 ? 'down' : 'up', 'no heartbeat for 12 s', T0 + i * 1_000);
    // Last alert sent: node_up (4th change); the node ended down.
    expect(policy.sweep(T0 + 4_000 + 5 * MIN - 1)).toEqual([]);
    const released = policy.sweep(T0 + 4_000 + 5 * MIN);
    expect(released).toEqual([
      { action: 'send', alert: expect.objectContaining({ event: 'node_down', node: 'n1', reason: 'stable for 5 minutes after flapping: no heartbeat for 12 s' }) },
    ]);
    expect(policy.isHeld('n1')).toBe(false);
  });

  it('releases silently when the node ended where the last alert said', () => {
    const policy = new AlertPolicy();
    for (let i = 0; i < 6; i++) policy.nodeChanged('n1', i % 2 === 0 ? 'down' : 'up', 'x', T0 + i * 1_000);
    expect(policy.sweep(T0 + 5_000 + 5 * MIN)).toEqual([]);
    expect(policy.isHeld('n1')).toBe(false);
  });
});

describe('--alert-delay', () => {
  const DELAY = 10_000;
  const delayed = () => new AlertPolicy({ downDelayMs: DELAY });

  it('a node down for less than --alert-delay raises no alert, and no node_up either', () => {
    const policy = delayed();
    const down = policy.nodeChanged('n1', 'down', '1 of 1 edge report errors (ECONNREFUSED)', T0);
    expect(down).toEqual([{ action: 'defer', alert: expect.objectContaining({ event: 'node_down', node: 'n1', time: T0 }), dueAt: T0 + DELAY }]);
    expect(policy.sweep(T0 + DELAY - 1)).toEqual([]);
    const up = policy.nodeChanged('n1', 'up', 'healthy: probe HTTP 200 in 3 ms', T0 + 2_000);
    expect(sent(up)).toEqual([]);
    expect(cancelled(up)).toEqual([['node_down', 'active again after 2 s']]);
    expect(policy.sweep(T0 + DELAY)).toEqual([]);
    expect(policy.nextDue()).toBeUndefined();
  });

  it('node_down goes out once the node has been out of rotation for --alert-delay, with its latest reason', () => {
    const policy = delayed();
    policy.nodeChanged('n1', 'down', '1 of 1 edge report errors (ECONNREFUSED)', T0);
    // Suspect, then inactive: still one period out of rotation, timed from its start.
    expect(policy.nodeChanged('n1', 'down', '3 probe failures: ECONNREFUSED', T0 + 3_000)).toEqual([]);
    expect(policy.nextDue()).toBe(T0 + DELAY);
    expect(policy.sweep(T0 + DELAY)).toEqual([
      { action: 'send', alert: { event: 'node_down', node: 'n1', reason: '3 probe failures: ECONNREFUSED', time: T0, severity: 'warning' } },
    ]);
    expect(policy.sweep(T0 + DELAY + 1)).toEqual([]);
    expect(sent(policy.nodeChanged('n1', 'up', 'healthy', T0 + 60_000))).toEqual(['node_up']);
  });

  it('all_nodes_down waits for --alert-delay', () => {
    const policy = delayed();
    expect(policy.activeCountChanged(0, 2, T0)).toEqual([{ action: 'defer', alert: expect.objectContaining({ event: 'all_nodes_down' }), dueAt: T0 + DELAY }]);
    expect(policy.activeCountChanged(0, 2, T0 + 1_000)).toEqual([]);
    expect(policy.sweep(T0 + DELAY - 1)).toEqual([]);
    expect(policy.sweep(T0 + DELAY)).toEqual([
      { action: 'send', alert: { event: 'all_nodes_down', reason: 'no active node among 2 registered', time: T0, severity: 'critical' } },
    ]);
    expect(sent(policy.activeCountChanged(1, 2, T0 + 20_000))).toEqual(['all_nodes_recovered']);
  });

  it('all_nodes_down is cancelled, with no all_nodes_recovered, when a node is active again within the delay', () => {
    const policy = delayed();
    policy.activeCountChanged(0, 1, T0);
    const back = policy.activeCountChanged(1, 1, T0 + 6);
    expect(sent(back)).toEqual([]);
    expect(cancelled(back)).toEqual([['all_nodes_down', 'a node active again after 0 s']]);
    expect(policy.sweep(T0 + DELAY)).toEqual([]);
  });

  it('a drained or deregistered node drops its pending node_down', () => {
    const policy = delayed();
    policy.nodeChanged('n1', 'down', 'x', T0);
    policy.nodeChanged('n2', 'down', 'y', T0);
    expect(cancelled(policy.nodeChanged('n1', 'neutral', 'drained by an operator', T0 + 1_000))).toEqual([['node_down', 'drained by an operator after 1 s']]);
    expect(cancelled(policy.nodeRemoved('n2', T0 + 2_000))).toEqual([['node_down', 'deregistered after 2 s']]);
    expect(policy.sweep(T0 + DELAY)).toEqual([]);
  });

  it('nextDue is the earliest pending down alert', () => {
    const policy = delayed();
    expect(policy.nextDue()).toBeUndefined();
    policy.nodeChanged('n2', 'down', 'x', T0 + 5_000);
    policy.nodeChanged('n1', 'down', 'x', T0 + 1_000);
    policy.activeCountChanged(0, 2, T0 + 5_000);
    expect(policy.nextDue()).toBe(T0 + 1_000 + DELAY);
  });

  it('a node flapping faster than the delay still raises one flapping alert, and its state once it settles', () => {
    const policy = delayed();
    const events: string[] = [];
    for (let i = 0; i < 5; i++) events.push(...sent(policy.nodeChanged('n1', i % 2 === 0 ? 'down' : 'up', 'x', T0 + i * 1_000)));
    expect(events).toEqual(['flapping']);
    expect(policy.nextDue()).toBeUndefined();
    expect(policy.sweep(T0 + 4_000 + 5 * MIN)).toEqual([
      { action: 'send', alert: expect.objectContaining({ event: 'node_down', node: 'n1', reason: 'stable for 5 minutes after flapping: x' }) },
    ]);
  });
});

describe('alertPayload', () => {
  it('is the webhook JSON: event, node or edge, reason, ISO time, severity', () => {
    expect(alertPayload({ event: 'node_down', node: 'n1', reason: 'no heartbeat for 12 s', time: T0, severity: 'warning' })).toEqual({
      event: 'node_down',
      node: 'n1',
      reason: 'no heartbeat for 12 s',
      time: '2026-01-01T12:00:00.000Z',
      severity: 'warning',
    });
  });
});

describe('a replica that becomes the leader', () => {
  it('does not announce again a node the previous leader took down, and announces its recovery', () => {
    const policy = new AlertPolicy();
    policy.presume('n1', 'down', T0);
    expect(suppressed(policy.nodeChanged('n1', 'down', '3 probe failures', T0 + MIN))).toEqual([['node_down', 'duplicate']]);
    expect(sent(policy.nodeChanged('n1', 'up', 'healthy', T0 + 2 * MIN))).toEqual(['node_up']);
  });

  it('does not announce all_nodes_down again, and announces the recovery', () => {
    const policy = new AlertPolicy();
    policy.presume('n1', 'down', T0);
    policy.presumeActiveCount(0, 1, T0);
    expect(sent(policy.activeCountChanged(0, 1, T0 + MIN))).toEqual([]);
    expect(sent(policy.activeCountChanged(1, 1, T0 + 2 * MIN))).toEqual(['all_nodes_recovered']);
  });
});
