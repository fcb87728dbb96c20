import { describe, expect, it } from 'vitest';
import { EDGE_EVENTS, EdgeReport } from './routing-bus';
import { InProcessBus } from './in-process-bus';
import { RouteNode, RoutingTable } from './routing-table';

const node: RouteNode = { id: 'n1', url: 'http://127.0.0.1:8080', location: 'Beijing', capacity: 100, status: 'active', load: 0 };

describe('InProcessBus', () => {
  it('delivers the current table first, then a new table per change with a growing revision', async () => {
    const bus = new InProcessBus();
    await bus.store.putNode(node);
    const tables: RoutingTable[] = [];
    const source = bus.source();
    await source.start((t) => tables.push(t));
    expect(tables).toHaveLength(1);
    expect(tables[0].nodes).toEqual([node]);
    await bus.store.putSettings({ cacheEnabled: false });
    await bus.store.deleteNode('n1');
    await new Promise((r) => setTimeout(r, 0));
    expect(tables.map((t) => t.revision)).toEqual([1, 2, 3]);
    expect(tables[2]).toMatchObject({ nodes: [], settings: { cacheEnabled: false } });
    expect(source.current()).toBe(tables[2]);
  });

  it('leaves out (and withdraws) a node that fails its checks, and publishes the others', async () => {
    const bus = new InProcessBus();
    const source = bus.source();
    await source.start(() => undefined);
    await bus.store.putNode(node);
    expect(await bus.store.putNode({ ...node, url: 'ftp://x' })).toEqual({ refused: [{ id: node.id, reason: expect.stringMatching(/^url: /) }] });
    await new Promise((r) => setTimeout(r, 0));
    expect(source.current()!.nodes).toEqual([]);
    expect(await bus.store.replaceAll([node, { ...node, id: 'bad', capacity: -1 }], { cacheEnabled: true })).toEqual({
      refused: [{ id: 'bad', reason: expect.stringMatching(/^capacity: /) }],
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(source.current()!.nodes.map((n) => n.id)).toEqual([node.id]);
  });

  it('hands edge events to the control plane side', async () => {
    const bus = new InProcessBus();
    const seen: unknown[] = [];
    bus.onEvent((event, data) => seen.push([event, data]));
    const report: EdgeReport = { edgeId: 'e1', revision: 3, reportedAt: 1, startedAt: 0 };
    bus.events.publish(EDGE_EVENTS.report, report);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([[EDGE_EVENTS.report, report]]);
  });
});

describe('InProcessBus cache commands', () => {
  it('broadcasts each command to every subscriber on a microtask, until it unsubscribes', async () => {
    const bus = new InProcessBus();
    const a: string[] = [];
    const b: string[] = [];
    bus.cacheCommands.subscribe((c) => a.push(c.type));
    const stopB = bus.cacheCommands.subscribe((c) => b.push(c.type));
    bus.cacheCommands.publish({ type: 'warm', operationId: 'op-1', urls: ['/cdn/a'], issuedAt: 1 });
    expect(a).toEqual([]); // not in the publisher's stack
    await Promise.resolve();
    expect(a).toEqual(['warm']);
    expect(b).toEqual(['warm']);
    stopB();
    bus.cacheCommands.publish({ type: 'invalidate', targets: ['/cdn/a'], fromEdge: 'edge-a', issuedAt: 2 });
    await Promise.resolve();
    expect(a).toEqual(['warm', 'invalidate']);
    expect(b).toEqual(['warm']);
  });
});
