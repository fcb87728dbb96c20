import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EDGE_EVENTS, EdgeNodeStats, InProcessBus } from '@cdn/shared';
import { AlertsService } from './alerts/alerts.service';
import { startRestartableOrigin } from './testing/restartable-origin';
import { eventually, LEVEL, messages, NODE1, NODE2, RunningControlPlane, startControlPlane } from './testing/start-control-plane';

interface Received {
  body: Record<string, string>;
  answered: number;
  /** Date.now() when the post arrived. */
  at: number;
}

/** A real webhook receiver; answers 500 to the first `failFirst` posts. */
async function startReceiver(failFirst = 0) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = received.length < failFirst ? 500 : 200;
      received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), answered, at: Date.now() });
      res.statusCode = answered;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    events: () => received.map((r) => r.body.event),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function report(bus: InProcessBus, edgeId: string, nodes: Record<string, EdgeNodeStats>) {
  bus.events.publish(EDGE_EVENTS.report, { edgeId, revision: 1, reportedAt: Date.now(), startedAt: Date.now() - 1_000, nodes });
}

/** Two nodes on real origins, probed every second; down alerts wait `alertDelay` seconds. */
async function setUp(failFirst: number, alertDelay = 1) {
  const receiver = await startReceiver(failFirst);
  const flaky = await startRestartableOrigin();
  const steady = await startRestartableOrigin();
  const cp: RunningControlPlane = await startControlPlane({
    config: { healthInterval: 1, nodeTimeout: 3600, probeTimeout: 1, alertWebhooks: [receiver.url], alertDelay },
  });
  closers.push(() => cp.close(), () => receiver.close(), () => flaky.stop(), () => steady.stop());
  await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: flaky.url }));
  await cp.call('POST', '/register_node', JSON.stringify({ ...NODE2, url: steady.url }));
  return { receiver, flaky, steady, cp };
}

describe('alert webhooks', () => {
  it('posts node_down and node_up JSON, retrying a 500', async () => {
    const { receiver, flaky, cp } = await setUp(1);
    await flaky.stop();
    // The first post answers 500; the retry after ~1 s is delivered.
    await eventually(() => receiver.received.filter((r) => r.body.event === 'node_down').length === 2, 10_000);
    const [first, retry] = receiver.received.filter((r) => r.body.event === 'node_down');
    // Sent once the node had been out of rotation for --alert-delay (1 s), stamped with when it went out.
    const wentOut = Date.parse((await cp.call('GET', '/nodes/node1')).body.health.since);
    expect(Date.parse(first.body.time)).toBe(wentOut);
    expect(first.at - wentOut).toBeGreaterThanOrEqual(1_000);
    expect(first.answered).toBe(500);
    expect(retry.answered).toBe(200);
    expect(retry.body).toEqual({
      event: 'node_down',
      node: 'node1',
      reason: expect.stringMatching(/^3 probe failures: ECONNREFUSED, last at /),
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      severity: 'warning',
    });
    expect(messages(cp.logs, LEVEL.warn).some((m) => m.startsWith('Alert node_down for node node1: 3 probe failures'))).toBe(true);

    await flaky.restart();
    await eventually(() => receiver.events().includes('node_up'), 8_000);
    expect(receiver.received.find((r) => r.body.event === 'node_up')!.body).toMatchObject({ node: 'node1', severity: 'info', reason: expect.stringMatching(/^healthy/) });
    expect(messages(cp.logs, LEVEL.info).some((m) => m.startsWith('Alert node_up for node node1: healthy'))).toBe(true);
    // Only one of two nodes was down: no all_nodes_* alerts.
    expect(receiver.events().filter((e) => e.startsWith('all_nodes'))).toEqual([]);

    const metrics = (await cp.call('GET', '/metrics')).body as string;
    expect(metrics).toContain('cdn_cp_alerts_total{event="node_down",result="sent"} 1');
    expect(metrics).toContain('cdn_cp_alerts_total{event="node_up",result="sent"} 1');
  });

  it('posts all_nodes_down at ERROR once no node has been active for --alert-delay, and all_nodes_recovered', async () => {
    const { receiver, flaky, steady, cp } = await setUp(0);
    await Promise.all([flaky.stop(), steady.stop()]);
    await eventually(() => receiver.events().includes('all_nodes_down'), 10_000);
    // No node active since the second one went out; the alert waited --alert-delay (1 s) after that.
    const since = async (id: string) => Date.parse((await cp.call('GET', `/nodes/${id}`)).body.health.since);
    const noneActive = Math.max(await since('node1'), await since('node2'));
    const allDown = receiver.received.find((r) => r.body.event === 'all_nodes_down')!;
    expect(Date.parse(allDown.body.time)).toBe(noneActive);
    expect(allDown.at - noneActive).toBeGreaterThanOrEqual(1_000);
    expect(receiver.received.find((r) => r.body.event === 'all_nodes_down')!.body).toMatchObject({ severity: 'critical', reason: 'no active node among 2 registered' });
    expect(messages(cp.logs, LEVEL.error)).toContain('Alert all_nodes_down: no active node among 2 registered');

    await steady.restart();
    await eventually(() => receiver.events().includes('all_nodes_recovered'), 8_000);
    expect(receiver.events().filter((e) => e === 'node_down')).toHaveLength(2);
  });

  it('a single refused request seen by the only edge sends no alert, writes no ERROR line and leaves the node active', async () => {
    const receiver = await startReceiver();
    const node = await startRestartableOrigin();
    // No alert delay: what keeps quiet here is the health model, not the delay.
    const cp = await startControlPlane({ config: { healthInterval: 1, nodeTimeout: 3600, probeTimeout: 1, alertWebhooks: [receiver.url], alertDelay: 0 } });
    closers.push(() => cp.close(), () => receiver.close(), () => node.stop());
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: node.url }));

    report(cp.bus, 'edge-a', { node1: { inFlight: 0, requests: 1, failures: 1, lastError: 'ECONNREFUSED', ejected: false } });
    await eventually(async () => (await cp.call('GET', '/nodes/node1')).body.health.passive.edges_live === 1);
    // The edge's next report, right after it applies a table, starts again from zero.
    report(cp.bus, 'edge-a', { node1: { inFlight: 0, requests: 0, failures: 0, ejected: false } });
    // A health round or two: any pending alert would have been swept out by now.
    await new Promise((r) => setTimeout(r, 1_500));

    const { body } = await cp.call('GET', '/nodes/node1');
    expect(body.status).toBe('active');
    expect(body.health.transitions).toEqual([]);
    expect(body.health.reason).toMatch(/^healthy: /);
    await cp.cp.app.get(AlertsService).idle();
    expect(receiver.received).toEqual([]);
    expect(messages(cp.logs, LEVEL.error)).toEqual([]);
    expect(messages(cp.logs, LEVEL.warn).filter((m) => m.startsWith('Node node1') || m.startsWith('Alert'))).toEqual([]);
  });

  it('a node back within --alert-delay raises no alert; the pending node_down is logged and counted as cancelled', async () => {
    const { receiver, cp } = await setUp(0, 5);
    const failing: EdgeNodeStats = { inFlight: 0, requests: 10, failures: 8, lastError: 'ECONNREFUSED', ejected: true };
    report(cp.bus, 'edge-a', { node1: failing, node2: { inFlight: 0, requests: 10, failures: 0, ejected: false } });
    await eventually(async () => (await cp.call('GET', '/nodes/node1')).body.status === 'suspect');
    report(cp.bus, 'edge-a', {});
    // Probes confirm it within ~2 s, under the 5 s delay.
    await eventually(async () => (await cp.call('GET', '/nodes/node1')).body.status === 'active', 5_000);
    await cp.cp.app.get(AlertsService).idle();

    expect(receiver.received).toEqual([]);
    expect(messages(cp.logs, LEVEL.info).some((m) => /^Alert node_down for node node1 cancelled: active again after \d s, within --alert-delay \(5 s\): 1 of 1 edge report errors \(ECONNREFUSED\)$/.test(m))).toBe(true);
    expect(messages(cp.logs, LEVEL.warn).filter((m) => m.startsWith('Alert'))).toEqual([]);
    const metrics = (await cp.call('GET', '/metrics')).body as string;
    expect(metrics).toContain('cdn_cp_alerts_total{event="node_down",result="cancelled"} 1');
    expect(metrics).not.toContain('result="sent"');
  });

  it('a drained node raises no alert, and undoing the drain none either', async () => {
    const { receiver, cp } = await setUp(0);
    await cp.call('PATCH', '/nodes/node1', JSON.stringify({ state: 'draining' }));
    await cp.call('PATCH', '/nodes/node1', JSON.stringify({ state: 'active' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toEqual([]);
  });
});
