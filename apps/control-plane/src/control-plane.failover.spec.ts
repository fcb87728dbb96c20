import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EDGE_EVENTS, EdgeNodeStats, InProcessBus, NodeLoads, RoutingTable } from '@cdn/shared';
import type { Leadership } from './cluster/leadership';
import { RestartableOrigin, startRestartableOrigin } from './testing/restartable-origin';
import { eventually, LEVEL, messages, NODE1, NODE2, RunningControlPlane, startControlPlane } from './testing/start-control-plane';

const running: RunningControlPlane[] = [];
const origins: RestartableOrigin[] = [];
async function start(options: Parameters<typeof startControlPlane>[0] = {}) {
  const cp = await startControlPlane(options);
  running.push(cp);
  return cp;
}
async function origin(handler?: Parameters<typeof startRestartableOrigin>[0]) {
  const o = await startRestartableOrigin(handler);
  origins.push(o);
  return o;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((cp) => cp.close()));
  await Promise.all(origins.splice(0).map((o) => o.stop()));
});

/** Probing every second; heartbeats never time out, so probes alone decide. */
const PROBING = { healthInterval: 1, nodeTimeout: 3600, probeTimeout: 1, unhealthyThreshold: 3, healthyThreshold: 2 };

async function watchTable(bus: InProcessBus) {
  const source = bus.source();
  const tables: RoutingTable[] = [];
  await source.start((table) => tables.push(table));
  return { tables, latest: () => tables[tables.length - 1], close: () => source.close() };
}

function report(bus: InProcessBus, edgeId: string, nodes: Record<string, EdgeNodeStats>) {
  bus.events.publish(EDGE_EVENTS.report, { edgeId, revision: 1, reportedAt: Date.now(), startedAt: Date.now() - 1_000, nodes });
}
const failing = (lastError: string): EdgeNodeStats => ({ inFlight: 0, requests: 10, failures: 8, lastError, ejected: true });
const fine = (inFlight = 0): EdgeNodeStats => ({ inFlight, requests: 10, failures: 0, ejected: false });

describe('active probes', () => {
  it('a killed node is inactive after 3 failed probes and back after 2 successes once restarted', async () => {
    const node = await origin();
    const cp = await start({ config: PROBING });
    const edge = await watchTable(cp.bus);
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: node.url }));
    await eventually(() => node.requests.includes('GET /health'), 5_000);

    await node.stop();
    await eventually(async () => (await cp.call('GET', '/nodes')).body.nodes[0].status === 'inactive', 8_000);
    const { body } = await cp.call('GET', '/nodes/node1');
    expect(body.fail_count).toBe(3);
    expect(body.health).toMatchObject({
      status: 'inactive',
      reason: expect.stringMatching(/^3 probe failures: ECONNREFUSED, last at \d{4}-\d\d-\d\dT/),
      probe: { last_result: 'ECONNREFUSED', consecutive_failures: 3, consecutive_successes: 0 },
    });
    expect(body.health.transitions).toEqual([{ at: body.health.since, from: 'active', to: 'inactive', reason: expect.stringMatching(/^3 probe failures/) }]);
    await eventually(() => edge.latest().nodes[0]?.status === 'inactive');
    expect(messages(cp.logs, LEVEL.warn).some((m) => /^Node node1 is inactive: 3 probe failures: ECONNREFUSED/.test(m))).toBe(true);

    await node.restart();
    await eventually(async () => (await cp.call('GET', '/nodes')).body.nodes[0].status === 'active', 8_000);
    const back = (await cp.call('GET', '/nodes/node1')).body;
    expect(back.health.probe.consecutive_successes).toBeGreaterThanOrEqual(2);
    expect(back.health.reason).toMatch(/^healthy: probe HTTP 200 in \d+ ms, heartbeat \d+ s ago$/);
    expect(back.health.transitions.map((t: { to: string }) => t.to)).toEqual(['inactive', 'active']);
    await eventually(() => edge.latest().nodes[0]?.status === 'active');
    expect(messages(cp.logs, LEVEL.info).some((m) => m.startsWith('Node node1 is active again (was inactive): healthy: probe HTTP 200'))).toBe(true);

    const metrics = (await cp.call('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/cdn_cp_probes_total\{node="node1",result="failure"\} [3-9]/);
    expect(metrics).toMatch(/cdn_cp_probes_total\{node="node1",result="success"\} \d/);
    expect(metrics).toContain('cdn_cp_probe_duration_seconds_bucket');
    expect(metrics).toContain('cdn_cp_node_transitions_total{from="active",to="inactive"} 1');
    expect(metrics).toContain('cdn_cp_node_transitions_total{from="inactive",to="active"} 1');
    await edge.close();
  });

  it('a node without a health page (404) stays active', async () => {
    const node = await origin((_req, res) => {
      res.statusCode = 404;
      res.end('not found');
    });
    const cp = await start({ config: PROBING });
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: node.url }));
    await eventually(() => node.requests.filter((r) => r === 'GET /health').length >= 3, 8_000);
    const { body } = await cp.call('GET', '/nodes/node1');
    expect(body).toMatchObject({ status: 'active', fail_count: 0 });
    expect(body.health.probe.last_result).toMatch(/^HTTP 404 in \d+ ms$/);
  });

  it('does not probe where this replica is not the leader', async () => {
    const notLeading: Leadership = { self: 'follower', isLeader: () => false, leaderId: () => undefined, onChange: () => undefined, view: async () => ({ self: 'follower', leader: null, replicas: [], lease_expires_at: null }) };
    const node = await origin();
    const cp = await start({ config: PROBING, leadership: notLeading });
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: node.url }));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(node.requests).toEqual([]);
    expect((await cp.call('GET', '/nodes/node1')).body.health.probe.last_result).toBeNull();
  });
});

describe('drain', () => {
  it('PATCH drains a node: published as draining, explained, kept over a restart, and undone', async () => {
    const cp = await start();
    const edge = await watchTable(cp.bus);
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));

    const drained = await cp.call('PATCH', '/nodes/node1', JSON.stringify({ state: 'draining' }));
    expect(drained.status).toBe(200);
    expect(drained.body).toMatchObject({ id: 'node1', status: 'draining', health: { status: 'draining', reason: 'drained by an operator' } });
    await eventually(() => edge.latest().nodes[0]?.status === 'draining');
    const detail = (await cp.call('GET', '/nodes/node1')).body;
    expect(detail.health.transitions).toEqual([{ at: expect.any(String), from: 'active', to: 'draining', reason: 'drained by an operator' }]);
    expect((await cp.call('GET', '/nodes')).body.nodes[0].status).toBe('draining');
    expect(JSON.parse(fs.readFileSync(cp.file, 'utf8')).node1).toMatchObject({ is_active: false, state: 'draining' });
    expect(messages(cp.logs, LEVEL.info)).toContain('Node node1 drained by an operator');
    expect(messages(cp.logs, LEVEL.warn)).toContain('Node node1 is draining: drained by an operator');

    await cp.close();
    running.splice(0);
    const again = await start({ dir: cp.dir });
    expect((await again.call('GET', '/nodes/node1')).body.status).toBe('draining');

    const undone = await again.call('PATCH', '/nodes/node1', JSON.stringify({ state: 'active' }));
    expect(undone.body).toMatchObject({ status: 'active' });
    expect(JSON.parse(fs.readFileSync(again.file, 'utf8')).node1.state).toBeUndefined();
    await edge.close();
  });

  it('answers 400 naming state for another value, and 404 for an unknown node', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    for (const body of [JSON.stringify({ state: 'inactive' }), JSON.stringify({}), '']) {
      const res = await cp.call('PATCH', '/nodes/node1', body);
      expect(res.status, body).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('state'), fields: { state: 'must be "draining" or "active"' } });
    }
    expect(await cp.call('PATCH', '/nodes/ghost', JSON.stringify({ state: 'draining' }))).toMatchObject({ status: 404, body: { error: 'node_not_found' } });
  });
});

describe('passive signals from edges', () => {
  it('a node most edges report failing is suspect, and active again once they stop and probes confirm it', async () => {
    const [first, second] = [await origin(), await origin()];
    const cp = await start({ config: PROBING });
    const edge = await watchTable(cp.bus);
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: first.url }));
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE2, url: second.url }));

    report(cp.bus, 'edge-a', { node1: failing('HTTP 503'), node2: fine() });
    report(cp.bus, 'edge-b', { node1: failing('HTTP 503') });
    const suspect = await eventually(async () => {
      const { body } = await cp.call('GET', '/nodes/node1');
      return body.status === 'suspect' && body.health.passive.edges_reporting_errors === 2 && body;
    });
    expect(suspect.health).toMatchObject({
      reason: '2 of 2 edges report errors (HTTP 503)',
      passive: { edges_reporting_errors: 2, edges_live: 2, last_error: 'HTTP 503' },
    });
    expect((await cp.call('GET', '/nodes/node2')).body.status).toBe('active');
    await eventually(() => edge.latest().nodes.find((n) => n.id === 'node1')?.status === 'suspect');
    // The first report alone was one edge of one: already a majority.
    expect(messages(cp.logs, LEVEL.warn).some((m) => /^Node node1 is suspect: [12] of [12] edges? report errors \(HTTP 503\)$/.test(m))).toBe(true);

    // One of two is not more than half: the edges no longer agree, but the node stays suspect until probes confirm it.
    report(cp.bus, 'edge-a', { node1: fine() });
    const held = await eventually(async () => {
      const { body } = await cp.call('GET', '/nodes/node1');
      return body.health.passive.edges_reporting_errors === 1 && body;
    });
    expect(held.status).toBe('suspect');
    expect(held.health.reason).toMatch(/^edges reported errors \(HTTP 503\); waiting for 2 successful probes in a row, [01] so far$/);
    await eventually(async () => (await cp.call('GET', '/nodes/node1')).body.status === 'active', 5_000);
    const back = (await cp.call('GET', '/nodes/node1')).body;
    // edge-b's latest report still counts against it, and the reason says so rather than "healthy".
    expect(back.health.transitions.at(-1)).toMatchObject({ from: 'suspect', to: 'active', reason: expect.stringMatching(/^active: 1 of 2 edges report errors \(HTTP 503\), not a majority; heartbeat \d+ s ago$/) });
    expect(back.health.probe.consecutive_successes).toBeGreaterThanOrEqual(2);
    await eventually(() => edge.latest().nodes.find((n) => n.id === 'node1')?.status === 'active');
    await edge.close();
  });

  it('an edge report of one refused request leaves the node active', async () => {
    const node = await origin();
    const cp = await start({ config: PROBING });
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: node.url }));
    report(cp.bus, 'edge-a', { node1: { inFlight: 0, requests: 1, failures: 1, lastError: 'ECONNREFUSED', ejected: false } });
    const body = await eventually(async () => {
      const res = await cp.call('GET', '/nodes/node1');
      return res.body.health.passive.edges_live === 1 && res.body;
    });
    expect(body.status).toBe('active');
    expect(body.health.passive).toEqual({ edges_reporting_errors: 0, edges_live: 1, last_error: null });
    expect(messages(cp.logs, LEVEL.warn).filter((m) => m.startsWith('Node node1'))).toEqual([]);
  });

  it('an edge that stops reporting is lost, with an edge_lost alert', async () => {
    const cp = await start();
    report(cp.bus, 'edge-a', {});
    await eventually(async () => (await cp.call('GET', '/edges')).body.edges.length === 1);
    cp.clock.advance(11_000);
    await eventually(() => messages(cp.logs, LEVEL.warn).includes('Alert edge_lost for edge edge-a: no report for 11 s'), 3_000);
  });
});

describe('live load and coordinates', () => {
  it('current_load, the heartbeat load plus the edges’ in-flight requests, is broadcast every second and never rewrites the table', async () => {
    const cp = await start();
    const edge = await watchTable(cp.bus);
    const broadcasts: NodeLoads[] = [];
    const unsubscribe = cp.bus.nodeLoads.subscribe((m) => broadcasts.push(m));
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await eventually(() => edge.latest().nodes.length === 1);
    const revision = edge.latest().revision;
    await cp.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 4 }));
    await eventually(() => broadcasts.some((m) => m.loads.node1 === 4), 3_000);

    report(cp.bus, 'edge-a', { node1: fine(3) });
    report(cp.bus, 'edge-b', { node1: fine(2) });
    await eventually(async () => (await cp.call('GET', '/nodes')).body.nodes[0].current_load === 9);
    expect((await cp.call('GET', '/nodes/node1')).body.current_load).toBe(9);
    await eventually(() => broadcasts.some((m) => m.loads.node1 === 9), 3_000);
    expect(edge.latest().revision).toBe(revision);
    expect((await cp.call('GET', '/metrics')).body).toContain('cdn_cp_node_live_load{node="node1"} 9');
    unsubscribe();
    await edge.close();
  });

  it('registers, saves, shows and publishes lat/lon', async () => {
    const cp = await start();
    const edge = await watchTable(cp.bus);
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, lat: 39.9, lon: 116.4 }));
    expect((await cp.call('GET', '/nodes/node1')).body).toMatchObject({ lat: 39.9, lon: 116.4 });
    expect(Object.keys((await cp.call('GET', '/nodes')).body.nodes[0])).toEqual(['id', 'url', 'location', 'capacity', 'current_load', 'status', 'last_heartbeat']);
    expect(JSON.parse(fs.readFileSync(cp.file, 'utf8')).node1).toMatchObject({ lat: 39.9, lon: 116.4 });
    await eventually(() => edge.latest().nodes[0]?.lat === 39.9 && edge.latest().nodes[0]?.lon === 116.4);
    await edge.close();
  });
});
