import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNats, stopAll } from '../../../../test/support/processes';
import { eventually } from '../../../../test/support/ports';
import { silentLogger } from '../logging/logger';
import type { RoutingSource } from '../routing/routing-bus';
import { DEFAULT_ROUTING_SETTINGS, type RouteNode, type RoutingTable } from '../routing/routing-table';
import { connectNats } from './nats-connection';
import { nodeKey, SETTINGS_KEY } from './nats-names';
import { createNatsRoutingSource } from './nats-routing-source';
import { createNatsRoutingStore } from './nats-routing-store';

function routeNode(id: string, overrides: Partial<RouteNode> = {}): RouteNode {
  return { id, url: `http://127.0.0.1:9${id.length}01`, location: 'eu-west', capacity: 10, status: 'active', load: 0, ...overrides };
}

function connectTo(url: string, name = 'test'): Promise<NatsConnection> {
  return connectNats({ servers: url, name, logger: silentLogger() });
}

/** Records every table a source delivers. */
function tableRecorder(): { tables: RoutingTable[]; onTable: (t: RoutingTable) => void; last: () => RoutingTable | undefined } {
  const tables: RoutingTable[] = [];
  return { tables, onTable: (t) => tables.push(t), last: () => tables[tables.length - 1] };
}

let bucketCount = 0;
/** A bucket name no other test in the file uses. */
function freshBucket(): string {
  bucketCount++;
  return `test_routing_${process.pid}_${bucketCount}`;
}

let natsUrl: string;
let nc: NatsConnection;
const opened: RoutingSource[] = [];
const logger = silentLogger();

beforeAll(async () => {
  natsUrl = (await startNats()).url;
  nc = await connectTo(natsUrl);
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await nc?.close();
  await stopAll();
});

function source(bucket: string, conn = nc): RoutingSource {
  const s = createNatsRoutingSource({ nc: conn, logger, bucket });
  opened.push(s);
  return s;
}

describe('NATS routing store and source', () => {
  it('delivers what the store wrote, as one table', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.replaceAll([routeNode('b'), routeNode('a', { load: 3 })], { cacheEnabled: false });

    const rec = tableRecorder();
    await source(bucket).start(rec.onTable);

    expect(rec.tables).toHaveLength(1);
    const table = rec.tables[0];
    expect(table.nodes).toEqual([routeNode('a', { load: 3 }), routeNode('b')]);
    expect(table.settings).toEqual({ cacheEnabled: false });
    expect(table.revision).toBe(3);
    expect(Object.isFrozen(table) && Object.isFrozen(table.nodes)).toBe(true);
  });

  it('delivers the initial state first, then a table after each change', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.putNode(routeNode('a'));
    const s = source(bucket);
    const rec = tableRecorder();
    await s.start(rec.onTable);
    expect(rec.tables.map((t) => t.nodes.map((n) => n.id))).toEqual([['a']]);

    await store.putNode(routeNode('b'));
    await eventually(() => rec.tables.length === 2);
    await store.putNode(routeNode('a', { status: 'inactive' }));
    await eventually(() => rec.tables.length === 3);
    await store.deleteNode('b');
    await eventually(() => rec.tables.length === 4);
    await store.putSettings({ cacheEnabled: false });
    await eventually(() => rec.tables.length === 5);

    expect(rec.tables.map((t) => t.revision)).toEqual([1, 2, 3, 4, 5]);
    expect(rec.tables[1].nodes.map((n) => n.id)).toEqual(['a', 'b']);
    expect(rec.tables[2].nodes[0].status).toBe('inactive');
    expect(rec.tables[3].nodes.map((n) => n.id)).toEqual(['a']);
    expect(rec.tables[4].settings).toEqual({ cacheEnabled: false });
    expect(s.current()).toBe(rec.tables[4]);
  });

  it('ignores an invalid value and keeps the last good one, while still counting its revision', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.replaceAll([routeNode('a')], { cacheEnabled: true });
    const rec = tableRecorder();
    await source(bucket).start(rec.onTable);

    // A foreign writer bypassing the store's checks.
    const kv = await new Kvm(nc).open(bucket);
    await kv.put(nodeKey('a'), JSON.stringify({ ...routeNode('a'), capacity: -1 }));
    await kv.put(nodeKey('x'), 'not json');
    await kv.put(SETTINGS_KEY, JSON.stringify({ cacheEnabled: 'yes' }));
    await kv.put(nodeKey('c'), JSON.stringify(routeNode('other-id')));
    await eventually(() => rec.last()?.revision === 6);

    expect(rec.last()?.nodes).toEqual([routeNode('a')]);
    expect(rec.last()?.settings).toEqual({ cacheEnabled: true });
  });

  it('publishes entry by entry: a node that fails the routing schema is left out, withdrawn and reported, the others go out', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    const bad = { ...routeNode('b'), url: 'http:/127.0.0.1:31101' };
    expect(await store.replaceAll([routeNode('a'), bad, routeNode('c')], DEFAULT_ROUTING_SETTINGS)).toEqual({ refused: [{ id: 'b', reason: expect.stringMatching(/^url: /) }] });
    const rec = tableRecorder();
    const s = source(bucket);
    await s.start(rec.onTable);
    expect(rec.last()?.nodes.map((n) => n.id)).toEqual(['a', 'c']);

    // A node that turns bad is withdrawn: edges must not keep routing by its old entry.
    expect(await store.putNode({ ...routeNode('a'), url: 'http:host' })).toEqual({ refused: [{ id: 'a', reason: expect.stringMatching(/^url: /) }] });
    await eventually(() => rec.last()?.nodes.map((n) => n.id).join() === 'c');
    // And publishing goes on.
    await store.putNode(routeNode('d'));
    await eventually(() => rec.last()?.nodes.map((n) => n.id).join() === 'c,d');
  });

  it('refuses to write invalid settings', async () => {
    const store = createNatsRoutingStore({ nc, logger, bucket: freshBucket() });
    await expect(store.putSettings({ cacheEnabled: 1 } as never)).rejects.toThrow();
  });

  it('brings a change to a second source within 200 ms', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.putNode(routeNode('a'));
    const other = await connectTo(natsUrl, 'second');
    try {
      const first = tableRecorder();
      const second = tableRecorder();
      await source(bucket).start(first.onTable);
      await source(bucket, other).start(second.onTable);

      const started = performance.now();
      await store.putNode(routeNode('b'));
      await eventually(() => second.last()?.nodes.length === 2, 1_000, 2);
      expect(performance.now() - started).toBeLessThan(200);
      await eventually(() => first.last()?.revision === second.last()?.revision);
    } finally {
      await other.close();
    }
  });

  it('waits for a bucket that does not exist yet: readers never create it', async () => {
    const bucket = freshBucket();
    const rec = tableRecorder();
    void source(bucket).start(rec.onTable);
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.tables).toEqual([]);
    await expect(new Kvm(nc).open(bucket).then((kv) => kv.status())).rejects.toThrow();

    await createNatsRoutingStore({ nc, logger, bucket }).putNode(routeNode('a'));
    await eventually(() => rec.last()?.nodes.length === 1, 10_000);
  });

  it('starts on an empty bucket with an empty table, then follows changes', async () => {
    const bucket = freshBucket();
    await new Kvm(nc).create(bucket, { history: 1 });
    const rec = tableRecorder();
    const s = source(bucket);
    await s.start(rec.onTable);
    expect(rec.tables).toEqual([{ revision: 0, nodes: [], settings: DEFAULT_ROUTING_SETTINGS }]);

    await createNatsRoutingStore({ nc, logger, bucket }).putNode(routeNode('a'));
    await eventually(() => rec.tables.length === 2);
    expect(rec.last()?.nodes).toEqual([routeNode('a')]);
    expect(rec.last()?.revision).toBe(1);
  });

  it('replaceAll deletes stale node keys and rewrites only what changed', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.replaceAll([routeNode('a'), routeNode('b'), routeNode('c')], { cacheEnabled: true });
    const rec = tableRecorder();
    await source(bucket).start(rec.onTable);
    expect(rec.last()?.revision).toBe(4);

    await store.replaceAll([routeNode('a'), routeNode('c', { load: 5 }), routeNode('d')], { cacheEnabled: true });
    // Put c, put d, delete b; a and the settings were unchanged so not written.
    await eventually(() => rec.last()?.revision === 7);
    expect(rec.last()?.nodes).toEqual([routeNode('a'), routeNode('c', { load: 5 }), routeNode('d')]);

    const kv = await new Kvm(nc).open(bucket);
    const keys: string[] = [];
    for await (const k of await kv.keys()) keys.push(k);
    expect(keys.sort()).toEqual([nodeKey('a'), nodeKey('c'), nodeKey('d'), SETTINGS_KEY].sort());

    // Replaying the same state is harmless: nothing is written.
    await store.replaceAll([routeNode('a'), routeNode('c', { load: 5 }), routeNode('d')], { cacheEnabled: true });
    expect((await kv.status()).streamInfo.state.last_seq).toBe(7);
  });

  it('gives a new source the same revision as the store reached', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.replaceAll([routeNode('a'), routeNode('b')], DEFAULT_ROUTING_SETTINGS);
    await store.deleteNode('b');
    const rec = tableRecorder();
    await source(bucket).start(rec.onTable);
    // The delete marker is the newest entry: it counts, so every reader agrees on 4.
    expect(rec.last()?.revision).toBe(4);
  });
});

describe('NATS routing source across a nats-server restart', () => {
  it('keeps the last table while NATS is down and delivers changes made after the restart', async () => {
    const server = await startNats();
    const conn = await connectTo(server.url, 'restart');
    try {
      const bucket = freshBucket();
      const store = createNatsRoutingStore({ nc: conn, logger, bucket });
      await store.replaceAll([routeNode('a')], DEFAULT_ROUTING_SETTINGS);
      const rec = tableRecorder();
      const s = source(bucket, conn);
      await s.start(rec.onTable);
      const before = s.current();
      expect(before?.revision).toBe(2);

      await server.stop();
      expect(s.current()).toBe(before);
      // A write while NATS is down fails within the request timeout instead of hanging.
      await expect(store.putNode(routeNode('down'))).rejects.toThrow();
      expect(s.current()).toBe(before);

      await startNats({ port: server.port, storeDir: server.storeDir });
      await eventually(async () => {
        // The first attempts may time out while JetStream recovers its streams.
        await store.putNode(routeNode('b'));
        return true;
      }, 20_000, 200);
      const after = (await eventually(() => rec.tables.find((t) => t.nodes.some((n) => n.id === 'b')), 20_000)) as RoutingTable;
      expect(after.nodes.map((n) => n.id)).toEqual(['a', 'b']);
      // The same state is not delivered twice because the source re-read the bucket after reconnecting.
      expect(rec.tables.map((t) => t.revision)).toEqual([2, after.revision]);
      expect(after.revision).toBeGreaterThan(2);
      expect(rec.tables.every((t) => Object.isFrozen(t))).toBe(true);

      // And it keeps following.
      await store.deleteNode('a');
      await eventually(() => rec.last()?.nodes.map((n) => n.id).join() === 'b');
    } finally {
      await conn.close();
    }
  }, 60_000);
});
