import { describe, expect, it } from 'vitest';
import { applyHeartbeat, checkHeartbeatTimeout } from './health-transitions';

const T0 = Date.parse('2024-01-01T12:00:00Z');
const active = { isActive: true, lastHeartbeat: T0, failCount: 0 };

describe('checkHeartbeatTimeout', () => {
  it('keeps a node active while it is silent for less than the timeout', () => {
    expect(checkHeartbeatTimeout(active, T0 + 9_999, 10)).toBeUndefined();
  });

  it('makes a node inactive once it is silent for the whole timeout, counting the failure', () => {
    expect(checkHeartbeatTimeout(active, T0 + 10_000, 10)).toEqual({ to: 'inactive', silentSeconds: 10, failCount: 1 });
  });

  it('reports whole seconds of silence', () => {
    expect(checkHeartbeatTimeout({ ...active, failCount: 2 }, T0 + 12_900, 10)).toEqual({ to: 'inactive', silentSeconds: 12, failCount: 3 });
  });

  it('leaves an inactive node alone (its failure was counted once)', () => {
    expect(checkHeartbeatTimeout({ ...active, isActive: false }, T0 + 60_000, 10)).toBeUndefined();
  });
});

describe('applyHeartbeat', () => {
  it('refreshes an active node without calling it revived', () => {
    expect(applyHeartbeat(active, T0 + 5_000)).toEqual({ node: { ...active, lastHeartbeat: T0 + 5_000 }, revived: false });
  });

  it('makes an inactive node active again and keeps its failure count', () => {
    const { node, revived } = applyHeartbeat({ isActive: false, lastHeartbeat: T0, failCount: 2 }, T0 + 30_000);
    expect(revived).toBe(true);
    expect(node).toEqual({ isActive: true, lastHeartbeat: T0 + 30_000, failCount: 2 });
  });
});
