/** Publishing the routing table entry by entry, and putting right what the control plane did not write. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InProcessBus, nodeKey, type RoutingCorrection, type RoutingStore, type RoutingTable } from '@cdn/shared';
import { controlPlaneStarter, eventually, LEVEL, messages, NODE1, NODE2, RunningControlPlane, tempDir } from './testing/start-control-plane';

const start = controlPlaneStarter();

async function watchTable(bus: InProcessBus) {
  const source = bus.source();
  const tables: RoutingTable[] = [];
  await source.start((table) => tables.push(table));
  return { ids: () => tables[tables.length - 1].nodes.map((n) => n.id), close: () => source.close() };
}

/** A saved node, as an older version (or a hand edit) may have left it in cdn_nodes.json. */
function savedNode(url: string) {
  return { url, location: 'Beijing', capacity: 100, heartbeat_interval: 10, last_heartbeat: new Date().toISOString(), is_active: true, fail_count: 0, current_load: 0 };
}

const metric = async (cp: RunningControlPlane, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec((await cp.call('GET', '/metrics')).body)?.[1]);

describe('a saved node that fails the routing schema (hole 1)', () => {
  it('is left out at start, logged once, while the others are published and the control plane is ready', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdn_nodes.json'), JSON.stringify({ bad: savedNode('http:/127.0.0.1:31101'), good: savedNode('http://127.0.0.1:31102') }));
    const cp = await start({ dir });
    const edge = await watchTable(cp.bus);

    expect((await cp.call('GET', '/readyz')).status).toBe(200);
    expect(edge.ids()).toEqual(['good']);
    expect(messages(cp.logs, LEVEL.error).filter((m) => m.startsWith('Node "bad" in ') && m.includes('is invalid and was not loaded'))).toHaveLength(1);
    // It is not a node any more: its heartbeats are refused, and nothing is refused at publishing.
    expect((await cp.call('POST', '/heartbeat/bad')).status).toBe(404);
    expect(await metric(cp, 'cdn_cp_routing_refused_nodes')).toBe(0);
    await edge.close();
  });

  it('never holds back the rest of the table: new nodes reach edges, deleted ones leave them, a fixed one comes back', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'cdn_nodes.json'), JSON.stringify({ bad: savedNode('http:host'), node1: savedNode('http://127.0.0.1:31103') }));
    const cp = await start({ dir });
    const edge = await watchTable(cp.bus);
    await cp.call('POST', '/register_node', JSON.stringify(NODE2));
    await eventually(() => edge.ids().join() === 'node1,node2');
    await cp.call('DELETE', '/nodes/node1');
    await eventually(() => edge.ids().join() === 'node2');
    await cp.call('POST', '/register_node', JSON.stringify({ ...NODE1, id: 'bad' }));
    await eventually(() => edge.ids().join() === 'bad,node2');
    await edge.close();
  });
});

describe('entries the control plane did not write', () => {
  it('are reported at WARNING by key (never by content) and counted by action', async () => {
    const bus = new InProcessBus();
    let pending: RoutingCorrection[] = [
      { key: nodeKey('rogue'), revision: 7, action: 'removed' },
      { key: nodeKey('node1'), revision: 8, action: 'restored' },
      { key: 'x'.repeat(300), revision: 9, action: 'removed' },
    ];
    const store: RoutingStore = { ...bus.store, reconcile: async () => pending.splice(0) };
    const cp = await start({ bus, store, reconcileIntervalMs: 50 });
    await eventually(async () => (await cp.call('GET', '/metrics')).body.includes('cdn_cp_routing_reconciled_total{action="restored"} 1'));
    expect((await cp.call('GET', '/metrics')).body).toContain('cdn_cp_routing_reconciled_total{action="removed"} 2');
    expect(messages(cp.logs, LEVEL.warn)).toEqual(
      expect.arrayContaining([
        `Routing entry ${nodeKey('rogue')} (node rogue) at revision 7 was not written by the control plane: removed it`,
        `Routing entry ${nodeKey('node1')} (node node1) at revision 8 was not written by the control plane: wrote back the value the control plane published`,
        `Routing entry ${'x'.repeat(200)}... at revision 9 was not written by the control plane: removed it`,
      ]),
    );
    pending = [];
  });
});
