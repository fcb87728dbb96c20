import { describe, expect, it } from 'vitest';
import { PassiveHealth } from './passive-health';

describe('PassiveHealth', () => {
  it('ejects a node after 3 failures in a row, for a back-off that doubles on repeat', () => {
    let now = 0;
    const health = new PassiveHealth(() => now);
    expect(health.failed('n1', 'ECONNREFUSED').ejectedForMs).toBeUndefined();
    expect(health.failed('n1', 'ECONNREFUSED').ejectedForMs).toBeUndefined();
    expect(health.failed('n1', 'ECONNREFUSED').ejectedForMs).toBe(5_000);
    expect(health.isEjected('n1')).toBe(true);
    expect([...health.ejected()]).toEqual(['n1']);
    now += 5_001;
    expect(health.isEjected('n1')).toBe(false);
    for (let i = 0; i < 2; i++) health.failed('n1', 'HTTP 503');
    expect(health.failed('n1', 'HTTP 503').ejectedForMs).toBe(10_000);
  });

  it('a success resets the run of failures', () => {
    const health = new PassiveHealth(() => 0);
    health.failed('n1', 'x');
    health.failed('n1', 'x');
    health.succeeded('n1');
    expect(health.failed('n1', 'x').ejectedForMs).toBeUndefined();
  });

  it('caps the back-off and forgives a node that stayed healthy', () => {
    let now = 0;
    const health = new PassiveHealth(() => now, { maxEjectionMs: 20_000, forgiveAfterMs: 60_000 });
    const eject = () => {
      health.failed('n1', 'x');
      health.failed('n1', 'x');
      const { ejectedForMs } = health.failed('n1', 'x');
      now += ejectedForMs! + 1;
      return ejectedForMs;
    };
    expect([eject(), eject(), eject(), eject()]).toEqual([5_000, 10_000, 20_000, 20_000]);
    now += 60_001;
    expect(eject()).toBe(5_000);
  });

  it('counts requests in flight and reports per-interval figures', () => {
    const health = new PassiveHealth(() => 0);
    health.started('n1');
    health.started('n1');
    health.finished('n1');
    health.failed('n1', 'ETIMEDOUT');
    expect(health.inFlight('n1')).toBe(1);
    expect(health.takeStats()).toEqual({ n1: { inFlight: 1, requests: 2, failures: 1, lastError: 'ETIMEDOUT', ejected: false } });
    expect(health.takeStats()).toEqual({ n1: { inFlight: 1, requests: 0, failures: 0, ejected: false } });
  });

  it('reports an ejection with the failures behind it, even when they straddle two reports, and then as old news', () => {
    // The control plane counts "ejected with failures in this report" as evidence, and an ejection alone as not.
    const health = new PassiveHealth(() => 0);
    const refused = () => {
      health.started('n1');
      health.failed('n1', 'ECONNREFUSED');
      health.finished('n1');
    };
    refused();
    refused();
    expect(health.takeStats().n1).toEqual({ inFlight: 0, requests: 2, failures: 2, lastError: 'ECONNREFUSED', ejected: false });
    refused();
    expect(health.takeStats().n1).toEqual({ inFlight: 0, requests: 1, failures: 1, lastError: 'ECONNREFUSED', ejected: true });
    expect(health.takeStats().n1).toEqual({ inFlight: 0, requests: 0, failures: 0, ejected: true });
  });

  it('forgets nodes that left the table', () => {
    const health = new PassiveHealth(() => 0);
    health.started('gone');
    health.retain(new Set(['other']));
    expect(health.takeStats()).toEqual({});
  });
});
