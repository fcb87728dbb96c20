/**
 * The routing bucket belongs to the control plane: what anyone else writes there is put right, entries that fail
 * the routing schema are ignored by edges, and one bad entry never holds back the rest of the table.
 * Real processes over a real nats-server; the "rogue" is any NATS client allowed to write (the real protection,
 * NATS permissions, is tested in nats-permissions.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { nodeKey, SETTINGS_KEY, type RouteNode } from '@cdn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, request } from '../support/http';
import { startOrigin, type Origin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startNats, stopAll, tempDir } from '../support/processes';
import { metric } from '../support/metrics';

type App = Running & { port: number; url: string };

let probes = 0;
const fresh = (p: string) => `${p}?probe=${++probes}`;

async function revisionOf(app: App): Promise<number | undefined> {
  const ready = await get(`${app.url}/readyz`).catch(() => undefined);
  return ready?.status === 200 ? ready.body.revision : undefined;
}

/** Which node answers `count` fresh requests through the edge. */
async function answeringNodes(edge: App, count: number): Promise<Set<string>> {
  const nodes = new Set<string>();
  for (let i = 0; i < count; i++) nodes.add((await get(`${edge.url}${fresh('/cdn/who')}`)).headers.get('x-cdn-node') ?? 'none');
  return nodes;
}

function routeNode(id: string, url: string): RouteNode {
  return { id, url, location: 'Beijing', capacity: 1_000_000, status: 'active', load: 0 };
}

describe('a control plane, an edge, and a rogue writer of cdn_routing', () => {
  let controlPlane: App;
  let edge: App;
  let good: Origin;
  let rogueOrigin: Origin;
  let rogue: NatsConnection;
  let kv: KV;

  beforeAll(async () => {
    const nats = await startNats();
    good = await startOrigin('good');
    rogueOrigin = await startOrigin('rogue');
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--node-timeout', '60', '--health-interval', '1']);
    edge = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a', '--disable-cache']);
    await eventually(async () => (await revisionOf(edge)) !== undefined, 10_000);
    await post(`${controlPlane.url}/register_node`, { id: 'node1', url: good.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${edge.url}${fresh('/cdn/x')}`)).status === 200, 5_000);
    rogue = await connect({ servers: nats.url, name: 'rogue' });
    kv = await new Kvm(rogue).open('cdn_routing');
  });

  afterAll(async () => {
    await rogue?.close();
    await stopAll();
    await Promise.all([good?.close(), rogueOrigin?.close()]);
  });

  it('a rogue put into cdn_routing is removed and never routed to once reconciled', async () => {
    const revision = await kv.put(nodeKey('rogue'), JSON.stringify(routeNode('rogue', rogueOrigin.url)));
    // Removed: a delete marker replaces it.
    const removed = await eventually(async () => {
      const entry = await kv.get(nodeKey('rogue'));
      return entry?.operation === 'DEL' ? entry.revision : undefined;
    }, 5_000);
    await eventually(() => controlPlane.output.includes(`Routing entry ${nodeKey('rogue')} (node rogue) at revision ${revision} was not written by the control plane: removed it`));
    expect(await metric(controlPlane, 'cdn_cp_routing_reconciled_total{action="removed"}')).toBe(1);

    // Once the edge has the correction, the rogue node gets nothing.
    await eventually(async () => ((await revisionOf(edge)) ?? 0) >= removed!, 5_000);
    const before = rogueOrigin.requests.length;
    expect(await answeringNodes(edge, 20)).toEqual(new Set(['node1']));
    expect(rogueOrigin.requests.length).toBe(before);
  });

  it('a rogue change to a node\'s entry is written back, a rogue delete written again, a foreign key removed', async () => {
    const published = (await kv.get(nodeKey('node1')))!.string();
    await kv.put(nodeKey('node1'), JSON.stringify(routeNode('node1', rogueOrigin.url)));
    await eventually(async () => (await kv.get(nodeKey('node1')))?.string() === published, 5_000);

    await kv.delete(nodeKey('node1'));
    await eventually(async () => (await kv.get(nodeKey('node1')))?.operation === 'PUT', 5_000);
    expect((await kv.get(nodeKey('node1')))!.string()).toBe(published);

    await kv.put('not.ours', 'anything');
    await eventually(async () => (await kv.get('not.ours'))?.operation === 'DEL', 5_000);

    expect(await metric(controlPlane, 'cdn_cp_routing_reconciled_total{action="restored"}')).toBe(1);
    expect(await metric(controlPlane, 'cdn_cp_routing_reconciled_total{action="rewritten"}')).toBe(1);
    await eventually(() => /WARNING control-plane: Routing entry not\.ours at revision \d+ was not written by the control plane: removed it/.test(controlPlane.output));
    await eventually(async () => (await answeringNodes(edge, 5)).size === 1 && (await answeringNodes(edge, 5)).has('node1'), 5_000);
  });

  it('an edge ignores a routing entry that fails the schema and keeps the rest', async () => {
    const before = await metric(edge, 'cdn_edge_routing_rejected_entries_total{stage="schema"}');
    const badNode = await kv.put(nodeKey('bad'), JSON.stringify(routeNode('bad', 'http:/127.0.0.1:31101')));
    const badSettings = await kv.put(SETTINGS_KEY, JSON.stringify({ cacheEnabled: 'yes' }));
    await eventually(async () => (await metric(edge, 'cdn_edge_routing_rejected_entries_total{stage="schema"}')) === before + 2, 5_000);
    // Logs are written asynchronously: they may trail the metric a little.
    await eventually(() => edge.output.includes(`ignored routing entry ${SETTINGS_KEY} at revision ${badSettings}: invalid settings: cacheEnabled:`));
    expect(edge.output).toContain(`ignored routing entry ${nodeKey('bad')} at revision ${badNode}: invalid node: url: is not written the way URL parsers read it`);
    // The rest of the table is served, and the edge stays ready.
    expect((await get(`${edge.url}/readyz`)).status).toBe(200);
    expect(await answeringNodes(edge, 5)).toEqual(new Set(['node1']));
    // And the control plane puts both right.
    await eventually(async () => (await kv.get(nodeKey('bad')))?.operation === 'DEL' && (await kv.get(SETTINGS_KEY))?.string() === '{"cacheEnabled":true}', 5_000);
  });
});

describe('a node URL that the routing schema refuses (issue 8, hole 1)', () => {
  it('never holds back the table, the edges, GET /edges or readiness, before or after a restart', async () => {
    const nats = await startNats();
    const [one, two] = await Promise.all([startOrigin('one'), startOrigin('two')]);
    try {
      const cwd = tempDir();
      const saved = (url: string) => ({ url, location: 'Beijing', capacity: 100, heartbeat_interval: 60, last_heartbeat: new Date().toISOString(), is_active: true, fail_count: 0, current_load: 0 });
      fs.writeFileSync(path.join(cwd, 'cdn_nodes.json'), JSON.stringify({ bad: saved('http:/127.0.0.1:31101'), one: saved(one.url) }));
      const args = ['--nats-url', nats.url, '--node-timeout', '60', '--health-interval', '1'];
      let controlPlane: App = await startApp('controlPlane', args, { cwd });
      const edge = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-h', '--disable-cache']);

      await eventually(async () => (await get(`${controlPlane.url}/readyz`)).status === 200, 10_000);
      await eventually(() => /ERROR +control-plane: Node "bad" in .* is invalid and was not loaded/.test(controlPlane.output));
      await eventually(async () => (await answeringNodes(edge, 1)).has('one'), 10_000);

      // New nodes reach the edge, deleted ones leave it, and the edge's lag is measured against real revisions.
      await post(`${controlPlane.url}/register_node`, { id: 'two', url: two.url, location: 'Beijing', capacity: 100 });
      await request(`${controlPlane.url}/nodes/one`, { method: 'DELETE' });
      await eventually(async () => (await answeringNodes(edge, 5)).size === 1 && (await answeringNodes(edge, 5)).has('two'), 5_000);
      await eventually(async () => {
        const { body } = await get(`${controlPlane.url}/edges`);
        return body.edges.some((e: { id: string; lag: number; revision: number }) => e.id === 'edge-h' && e.lag === 0) && body.revision >= 3;
      }, 10_000);

      // After a restart, with the bad node still saved, the control plane is ready again.
      await controlPlane.stop();
      controlPlane = await startApp('controlPlane', args, { cwd });
      await eventually(async () => (await get(`${controlPlane.url}/readyz`)).status === 200, 10_000);
      expect(await answeringNodes(edge, 3)).toEqual(new Set(['two']));
    } finally {
      await stopAll();
      await Promise.all([one.close(), two.close()]);
    }
  });
});
