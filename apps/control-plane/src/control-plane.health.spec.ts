import { afterEach, describe, expect, it } from 'vitest';
import { EDGE_EVENTS, InProcessBus, RouteNode, RoutingStore, RoutingTable } from '@cdn/shared';
import { Origin, startOrigin } from '../../../test/support/origin';
import { eventually, LEVEL, messages, NODE1, NODE2, RunningControlPlane, startControlPlane } from './testing/start-control-plane';

const running: RunningControlPlane[] = [];
async function start(options: Parameters<typeof startControlPlane>[0] = {}) {
  const cp = await startControlPlane(options);
  running.push(cp);
  return cp;
}
const origins: Origin[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((cp) => cp.close()));
  await Promise.all(origins.splice(0).map((o) => o.close()));
});

/** An edge's view of the routing table. */
async function watchTable(bus: InProcessBus) {
  const source = bus.source();
  const tables: RoutingTable[] = [];
  await source.start((table) => tables.push(table));
  return { tables, latest: () => tables[tables.length - 1], close: () => source.close() };
}

describe('health', () => {
  it('a node without heartbeat for --node-timeout becomes inactive, and active again on a heartbeat', async () => {
    const cp = await start({ config: { nodeTimeout: 1, healthInterval: 1 } });
    // A real origin: probes succeed, so only the heartbeat decides here.
    const origin = await startOrigin('node1');
    origins.push(origin);
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, url: origin.url }));
    cp.clock.advance(2_000);
    await eventually(async () => (await cp.call('GET', '/nodes')).body.nodes[0].status === 'inactive', 5_000);
    expect((await cp.call('GET', '/nodes/node1')).body.fail_count).toBe(1);
    expect(messages(cp.logs, LEVEL.warn)).toContain('Node node1 is inactive: no heartbeat for 2 s');

    await cp.call('POST', '/heartbeat/node1');
    expect((await cp.call('GET', '/nodes/node1')).body).toMatchObject({ status: 'active', fail_count: 1 });
    expect(messages(cp.logs, LEVEL.info).some((m) => m.startsWith('Node node1 is active again (was inactive): healthy'))).toBe(true);
    const metrics = (await cp.call('GET', '/metrics')).body as string;
    expect(metrics).toContain('cdn_cp_node_transitions_total{from="active",to="inactive"} 1');
    expect(metrics).toContain('cdn_cp_node_transitions_total{from="inactive",to="active"} 1');
  });

  it('nodes silent while the control plane was down are inactive before edges see them', async () => {
    const first = await start({ config: { nodeTimeout: 5 } });
    await first.call('POST', '/register_node', JSON.stringify(NODE1));
    await first.close();
    running.splice(0);
    const bus = new InProcessBus();
    const clock = first.clock;
    clock.advance(60_000);
    const cp = await start({ dir: first.dir, bus, clock, config: { nodeTimeout: 5 } });
    const edge = await watchTable(bus);
    expect(edge.latest().nodes).toEqual([expect.objectContaining({ id: 'node1', status: 'inactive' })]);
    expect((await cp.call('GET', '/nodes')).body.nodes[0].status).toBe('inactive');
    await edge.close();
  });
});

describe('routing publishing', () => {
  it('publishes registrations, status, load, deletions and the cache setting to edges', async () => {
    const cp = await start({ config: { nodeTimeout: 1, healthInterval: 1 } });
    const edge = await watchTable(cp.bus);
    expect(edge.latest()).toMatchObject({ nodes: [], settings: { cacheEnabled: true } });

    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    await eventually(() => edge.latest().nodes.length === 2);
    const expected: RouteNode = { id: 'node1', url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, status: 'active', load: 0 };
    expect(edge.latest().nodes[0]).toEqual(expected);

    const revision = edge.latest().revision;
    await cp.call('POST', '/heartbeat/node1');
    await new Promise((r) => setTimeout(r, 50));
    expect(edge.latest().revision).toBe(revision); // a bare heartbeat changes nothing edges use

    await cp.call('POST', '/heartbeat/node1', JSON.stringify({ current_load: 7 }));
    await eventually(() => edge.latest().nodes[0].load === 7);

    await cp.call('POST', '/toggle_cache');
    await eventually(() => edge.latest().settings.cacheEnabled === false);

    await cp.call('DELETE', '/nodes/node2');
    await eventually(() => edge.latest().nodes.length === 1);

    cp.clock.advance(2_000);
    await eventually(() => edge.latest().nodes[0].status === 'inactive', 5_000);
    await edge.close();
  });

  it('starts with the cache off with --disable-cache', async () => {
    const cp = await start({ config: { cacheEnabled: false } });
    const edge = await watchTable(cp.bus);
    expect(edge.latest().settings).toEqual({ cacheEnabled: false });
    expect((await cp.call('POST', '/toggle_cache')).body).toEqual({ status: 'Cache is now enabled' });
    await edge.close();
  });

  it('when the store is unreachable: not ready, WARNING once, then a full publish on a health tick', async () => {
    const bus = new InProcessBus();
    let down = true;
    const flaky: RoutingStore = {
      putNode: (n) => (down ? Promise.reject(new Error('nats down')) : bus.store.putNode(n)),
      deleteNode: (id) => (down ? Promise.reject(new Error('nats down')) : bus.store.deleteNode(id)),
      putSettings: (s) => (down ? Promise.reject(new Error('nats down')) : bus.store.putSettings(s)),
      replaceAll: (n, s) => (down ? Promise.reject(new Error('nats down')) : bus.store.replaceAll(n, s)),
      wrote: () => true,
      reconcile: async () => [],
      close: async () => undefined,
    };
    const cp = await start({ bus, store: flaky, config: { healthInterval: 1 } });
    expect(await cp.call('GET', '/readyz')).toMatchObject({ status: 503, body: { error: 'not_ready' } });

    // The API keeps working while the store is down.
    expect((await cp.call('POST', '/register_node', JSON.stringify(NODE1))).status).toBe(200);
    expect((await cp.call('POST', '/toggle_cache')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(messages(cp.logs, LEVEL.warn).filter((m) => m.startsWith('Failed to publish routing state'))).toHaveLength(1);

    down = false;
    const edge = await watchTable(bus);
    await eventually(() => edge.latest().nodes.length === 1 && edge.latest().settings.cacheEnabled === false, 5_000);
    expect((await cp.call('GET', '/readyz')).status).toBe(200);
    expect(messages(cp.logs, LEVEL.info)).toContain('Routing store reachable again: published 1 node(s)');
    expect((await cp.call('GET', '/metrics')).body).toMatch(/cdn_cp_routing_publishes_total\{kind="full",result="error"\} [1-9]/);
    await edge.close();
  });
});

describe('edges', () => {
  it('lists an edge report with its lag behind the latest revision', async () => {
    const cp = await start();
    await cp.call('POST', '/register_node', JSON.stringify(NODE1));
    await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    const edge = await watchTable(cp.bus);
    const latest = edge.latest().revision;
    const startedAt = Date.now() - 60_000;
    cp.bus.events.publish(EDGE_EVENTS.report, { edgeId: 'edge-a', revision: latest - 1, reportedAt: Date.now(), startedAt, address: 'http://127.0.0.1:8080' });

    const listed = await eventually(async () => {
      const { body } = await cp.call('GET', '/edges');
      return body.edges.length === 1 && body;
    });
    expect(listed).toEqual({
      revision: latest,
      edges: [
        {
          id: 'edge-a',
          revision: latest - 1,
          lag: 1,
          // A report that does not say where its table came from is from an edge without --state-dir: live.
          table_source: 'live',
          last_report: expect.any(String),
          seconds_since_report: 0,
          status: 'live',
          started_at: new Date(startedAt).toISOString(),
          address: 'http://127.0.0.1:8080',
        },
      ],
    });
    expect(messages(cp.logs, LEVEL.info).some((m) => m.startsWith('Edge edge-a connected'))).toBe(true);
    await edge.close();
  });

  it('marks a silent edge lost after ~10 s and forgets it 10 minutes later', async () => {
    const cp = await start();
    cp.bus.events.publish(EDGE_EVENTS.report, { edgeId: 'edge-b', revision: 1, reportedAt: Date.now(), startedAt: Date.now() });
    await eventually(async () => (await cp.call('GET', '/edges')).body.edges.length === 1);

    cp.clock.advance(11_000);
    const { body } = await cp.call('GET', '/edges');
    expect(body.edges[0]).toMatchObject({ id: 'edge-b', status: 'lost', seconds_since_report: 11 });
    expect(messages(cp.logs, LEVEL.warn)).toContain('Edge edge-b is lost: no report for 11 s');

    cp.clock.advance(10 * 60_000);
    expect((await cp.call('GET', '/edges')).body.edges).toEqual([]);
  });

  it('ignores a malformed report with a WARNING', async () => {
    const cp = await start();
    cp.bus.events.publish(EDGE_EVENTS.report, { edgeId: 'bad id!', revision: -1 } as never);
    await eventually(() => messages(cp.logs, LEVEL.warn).some((m) => m.startsWith('Ignored an invalid edge report')));
    expect((await cp.call('GET', '/edges')).body.edges).toEqual([]);
  });
});
