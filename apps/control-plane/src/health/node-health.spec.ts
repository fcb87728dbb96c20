import { describe, expect, it } from 'vitest';
import { applyHealthInput, explain, HealthInput, HealthSettings, initialHealth, MAX_TRANSITIONS, NodeHealth, PassiveRecord } from './node-health';

const T0 = Date.parse('2026-01-01T12:00:00Z');
const SETTINGS: HealthSettings = { nodeTimeout: 10, healthyThreshold: 2, unhealthyThreshold: 3 };

/** A node's health driven by a fake clock: `at(ms)` moves time, `feed` applies facts. */
function node() {
  let health: NodeHealth = initialHealth(T0);
  let lastHeartbeat = T0;
  let failCount = 0;
  let now = T0;
  type Fact = HealthInput extends infer I ? (I extends HealthInput ? Omit<I, 'at'> : never) : never;
  const feed = (input: Fact) => {
    const step = applyHealthInput(health, { at: now, ...input } as HealthInput, SETTINGS, lastHeartbeat);
    health = step.health;
    failCount += step.failures;
    if (input.kind === 'heartbeat') lastHeartbeat = now;
    return step;
  };
  return {
    get health() {
      return health;
    },
    get failCount() {
      return failCount;
    },
    at(ms: number) {
      now = T0 + ms;
    },
    heartbeat: () => feed({ kind: 'heartbeat' }),
    checkHeartbeat: () => feed({ kind: 'heartbeat-check' }),
    probe: (ok: boolean, result = ok ? 'HTTP 200 in 3 ms' : 'ECONNREFUSED') => feed({ kind: 'probe', ok, result }),
    passive: (passive: PassiveRecord) => feed({ kind: 'passive', passive }),
    drain: (drained: boolean) => feed({ kind: 'drain', drained }),
    explain: () => explain(health, now, lastHeartbeat, SETTINGS),
  };
}

describe('probes', () => {
  it('marks a node inactive after --unhealthy-threshold consecutive failures, counting each', () => {
    const n = node();
    n.at(1_000);
    n.probe(false);
    n.at(2_000);
    n.probe(false);
    expect(n.health.status).toBe('active');
    n.at(3_000);
    const step = n.probe(false);
    expect(step.transition).toEqual({ at: T0 + 3_000, from: 'active', to: 'inactive', reason: '3 probe failures: ECONNREFUSED, last at 2026-01-01T12:00:03.000Z' });
    expect(n.failCount).toBe(3);
    expect(n.health).toMatchObject({ status: 'inactive', since: T0 + 3_000 });
  });

  it('an inactive node whose recovery is broken by a failed probe does not read as taken out by that one failure', () => {
    const n = node();
    for (let i = 0; i < 3; i++) n.probe(false);
    n.probe(true);
    n.at(4_000);
    n.probe(false, 'HTTP 503');
    expect(n.health.status).toBe('inactive');
    expect(n.explain()).toBe('1 probe failure: HTTP 503, last at 2026-01-01T12:00:04.000Z; still out until 2 probes in a row succeed');
  });

  it('a success between failures resets the run', () => {
    const n = node();
    n.probe(false);
    n.probe(false);
    n.probe(true);
    n.probe(false);
    n.probe(false);
    expect(n.health.status).toBe('active');
    expect(n.health.probe).toMatchObject({ consecutiveFailures: 2, consecutiveSuccesses: 0 });
  });

  it('brings a node back after --healthy-threshold consecutive successes, not before', () => {
    const n = node();
    for (let i = 0; i < 3; i++) n.probe(false);
    n.at(4_000);
    n.probe(true, 'HTTP 200 in 2 ms');
    expect(n.health.status).toBe('inactive');
    expect(n.explain()).toBe('recovering from probe failures: 1 successful probe so far (HTTP 200 in 2 ms), last at 2026-01-01T12:00:04.000Z');
    n.at(5_000);
    const step = n.probe(true, 'HTTP 200 in 2 ms');
    expect(step.transition).toMatchObject({ from: 'inactive', to: 'active', reason: 'healthy: probe HTTP 200 in 2 ms, heartbeat 5 s ago' });
  });

  it('counts any answer below 500 as up (a node without a health page answers 404)', () => {
    const n = node();
    for (let i = 0; i < 5; i++) n.probe(true, 'HTTP 404 in 1 ms');
    expect(n.health.status).toBe('active');
    expect(n.failCount).toBe(0);
  });

  it('lists the distinct errors of the current run', () => {
    const n = node();
    n.probe(false, 'ECONNREFUSED');
    n.probe(false, 'timeout after 2 s');
    n.probe(false, 'ECONNREFUSED');
    expect(n.health.reason).toBe('3 probe failures: ECONNREFUSED, timeout after 2 s, last at 2026-01-01T12:00:00.000Z');
  });
});

describe('heartbeats', () => {
  it('a node silent for --node-timeout becomes inactive once, counting one failure', () => {
    const n = node();
    n.at(9_999);
    expect(n.checkHeartbeat().transition).toBeUndefined();
    n.at(12_500);
    expect(n.checkHeartbeat().transition).toMatchObject({ from: 'active', to: 'inactive', reason: 'no heartbeat for 12 s' });
    n.at(20_000);
    n.checkHeartbeat();
    expect(n.failCount).toBe(1);
    expect(n.explain()).toBe('no heartbeat for 20 s');
  });

  it('a heartbeat brings it back when probes agree', () => {
    const n = node();
    n.at(11_000);
    n.checkHeartbeat();
    n.at(12_000);
    expect(n.heartbeat().transition).toMatchObject({ from: 'inactive', to: 'active' });
  });

  it('a heartbeat does not bring back a node whose probes fail', () => {
    const n = node();
    for (let i = 0; i < 3; i++) n.probe(false);
    n.at(11_000);
    n.checkHeartbeat();
    n.heartbeat();
    expect(n.health.status).toBe('inactive');
    expect(n.explain()).toMatch(/^3 probe failures: ECONNREFUSED/);
  });

  it('probes do not bring back a node whose heartbeats stopped', () => {
    const n = node();
    n.at(11_000);
    n.checkHeartbeat();
    n.probe(true);
    n.probe(true);
    expect(n.health.status).toBe('inactive');
  });
});

describe('passive signals from edges', () => {
  it('makes a node suspect when more than half of the live edges report errors', () => {
    const n = node();
    expect(n.passive({ edgesReportingErrors: 1, edgesLive: 2 }).transition).toBeUndefined();
    const step = n.passive({ edgesReportingErrors: 2, edgesLive: 3, lastError: 'HTTP 503' });
    expect(step.transition).toMatchObject({ from: 'active', to: 'suspect', reason: '2 of 3 edges report errors (HTTP 503)' });
  });

  it('one edge of one is a majority', () => {
    const n = node();
    expect(n.passive({ edgesReportingErrors: 1, edgesLive: 1 }).health.status).toBe('suspect');
  });

  it('a suspect node stays suspect until probes confirm it', () => {
    const n = node();
    n.passive({ edgesReportingErrors: 2, edgesLive: 2, lastError: 'ECONNREFUSED' });
    // Edges send a suspect node nothing, so their next reports are empty: that is no news.
    expect(n.passive({ edgesReportingErrors: 0, edgesLive: 2 }).transition).toBeUndefined();
    expect(n.health.status).toBe('suspect');
    expect(n.explain()).toBe('edges reported errors (ECONNREFUSED); waiting for 2 successful probes in a row, 0 so far');
    n.at(1_000);
    n.probe(true, 'HTTP 200 in 3 ms');
    expect(n.health.status).toBe('suspect');
    expect(n.explain()).toBe('edges reported errors (ECONNREFUSED); waiting for 2 successful probes in a row, 1 so far');
    n.at(2_000);
    expect(n.probe(true, 'HTTP 200 in 3 ms').transition).toMatchObject({ from: 'suspect', to: 'active', reason: 'healthy: probe HTTP 200 in 3 ms, heartbeat 2 s ago' });
    expect(n.health.suspicion).toBeUndefined();
  });

  it('probes count only once the edges stop reporting errors', () => {
    const n = node();
    n.passive({ edgesReportingErrors: 1, edgesLive: 1, lastError: 'HTTP 503' });
    n.probe(true);
    n.probe(true);
    n.probe(true);
    expect(n.health.status).toBe('suspect');
    n.passive({ edgesReportingErrors: 0, edgesLive: 1 });
    n.probe(true);
    expect(n.health.status).toBe('suspect');
    n.probe(true);
    expect(n.health.status).toBe('active');
  });

  it('a failed probe restarts the confirmation of a suspect node, and the reason says so', () => {
    const n = node();
    n.passive({ edgesReportingErrors: 1, edgesLive: 1, lastError: 'ECONNREFUSED' });
    n.passive({ edgesReportingErrors: 0, edgesLive: 1 });
    n.probe(true);
    n.probe(false, 'timeout after 2 s');
    expect(n.explain()).toBe('edges reported errors (ECONNREFUSED); waiting for 2 successful probes in a row, 0 so far (last probe timeout after 2 s)');
    n.probe(true);
    expect(n.health.status).toBe('suspect');
    n.probe(true);
    expect(n.health.status).toBe('active');
  });

  it('a node edges report failing whose probes keep failing goes inactive by the probe threshold', () => {
    const n = node();
    n.passive({ edgesReportingErrors: 1, edgesLive: 1, lastError: 'ECONNREFUSED' });
    n.passive({ edgesReportingErrors: 0, edgesLive: 1 });
    n.probe(false);
    n.probe(false);
    expect(n.health.status).toBe('suspect');
    expect(n.probe(false).transition).toMatchObject({ from: 'suspect', to: 'inactive', reason: expect.stringMatching(/^3 probe failures: ECONNREFUSED/) });
    n.probe(true);
    expect(n.health.status).toBe('inactive');
    // The probes that bring it back also confirm it: straight to active, not through suspect.
    expect(n.probe(true).transition).toMatchObject({ from: 'inactive', to: 'active' });
  });

  it('probe failures outrank edge signals', () => {
    const n = node();
    n.passive({ edgesReportingErrors: 2, edgesLive: 2 });
    for (let i = 0; i < 3; i++) n.probe(false);
    expect(n.health.status).toBe('inactive');
    n.passive({ edgesReportingErrors: 0, edgesLive: 2 });
    expect(n.health.status).toBe('inactive');
  });
});

describe('reasons never contradict the status', () => {
  it('the reason of an active node never says healthy after a failed probe', () => {
    const n = node();
    n.at(2_000);
    n.probe(false, 'ECONNREFUSED');
    expect(n.health.status).toBe('active');
    expect(n.explain()).toBe('active: 1 failed probe (ECONNREFUSED), inactive at 3 in a row; heartbeat 2 s ago');
    n.probe(false, 'timeout after 2 s');
    expect(n.explain()).toBe('active: 2 failed probes (ECONNREFUSED, timeout after 2 s), inactive at 3 in a row; heartbeat 2 s ago');
    n.probe(true, 'HTTP 200 in 3 ms');
    expect(n.explain()).toBe('healthy: probe HTTP 200 in 3 ms, heartbeat 2 s ago');
  });

  it('an active node that a minority of edges report failing says so', () => {
    const n = node();
    n.passive({ edgesReportingErrors: 1, edgesLive: 3, lastError: 'HTTP 503' });
    expect(n.health.status).toBe('active');
    expect(n.explain()).toBe('active: 1 of 3 edges report errors (HTTP 503), not a majority; heartbeat 0 s ago');
  });

  it('holds over any sequence of facts: healthy only with nothing against the node, suspect only on edge evidence', () => {
    // A seeded sequence: the same facts every run.
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const n = node();
    for (let i = 0; i < 2_000; i++) {
      n.at(i * 1_000);
      const pick = random();
      if (pick < 0.35) n.probe(random() < 0.6, random() < 0.5 ? 'HTTP 200 in 3 ms' : 'HTTP 404 in 1 ms');
      else if (pick < 0.55) n.probe(false, random() < 0.5 ? 'ECONNREFUSED' : 'timeout after 2 s');
      else if (pick < 0.8) {
        const edgesLive = 1 + Math.floor(random() * 3);
        n.passive({ edgesReportingErrors: Math.floor(random() * (edgesLive + 1)), edgesLive, lastError: 'HTTP 503' });
      } else if (pick < 0.9) n.heartbeat();
      else if (pick < 0.95) n.checkHeartbeat();
      else n.drain(random() < 0.3);
      const { status, probe, passive } = n.health;
      const reason = n.explain();
      const context = `step ${i}: ${status}: ${reason}`;
      if (status === 'active') expect(reason, context).toMatch(/^(healthy|active): /);
      if (reason.startsWith('healthy')) expect([probe.consecutiveFailures, passive.edgesReportingErrors], context).toEqual([0, 0]);
      if (status === 'suspect') expect(reason, context).toMatch(/edges? report(ed)? errors/);
      if (status === 'inactive') expect(reason, context).toMatch(/probe|heartbeat|inactive/);
      if (status !== 'active') expect(reason, context).not.toMatch(/^(healthy|active)/);
    }
  });
});

describe('drain', () => {
  it('takes precedence over every health signal and is undone by the operator', () => {
    const n = node();
    expect(n.drain(true).transition).toMatchObject({ from: 'active', to: 'draining', reason: 'drained by an operator' });
    for (let i = 0; i < 3; i++) n.probe(false);
    n.passive({ edgesReportingErrors: 1, edgesLive: 1 });
    expect(n.health.status).toBe('draining');
    // Undrained: the node's health decides.
    expect(n.drain(false).transition).toMatchObject({ from: 'draining', to: 'inactive' });
  });

  it('undoing a drain of a healthy node makes it active', () => {
    const n = node();
    n.drain(true);
    expect(n.drain(false).transition).toMatchObject({ from: 'draining', to: 'active' });
  });
});

describe('transitions', () => {
  it('keeps the last 20, oldest first', () => {
    const n = node();
    for (let i = 0; i < 30; i++) {
      n.at(i * 1_000);
      n.drain(i % 2 === 0);
    }
    expect(n.health.transitions).toHaveLength(MAX_TRANSITIONS);
    expect(n.health.transitions[0].at).toBe(T0 + 10_000);
    expect(n.health.transitions.at(-1)).toMatchObject({ at: T0 + 29_000, from: 'draining', to: 'active' });
  });

  it('explains a healthy node with its last probe and heartbeat age', () => {
    const n = node();
    n.at(2_000);
    n.probe(true, 'HTTP 200 in 3 ms');
    expect(n.explain()).toBe('healthy: probe HTTP 200 in 3 ms, heartbeat 2 s ago');
    expect(node().explain()).toBe('healthy: not probed yet, heartbeat 0 s ago');
  });
});
