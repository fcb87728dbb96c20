/** The routing store treats its bucket as its own: it tells its entries from others' and puts the bucket right. */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../test/support/ports';
import { startNats, stopAll } from '../../../../test/support/processes';
import { silentLogger } from '../logging/logger';
import type { RejectedRoutingEntry, SeenRoutingEntry } from '../routing/routing-bus';
import { DEFAULT_ROUTING_SETTINGS, type RouteNode, type RoutingTable } from '../routing/routing-table';
import { connectNats } from './nats-connection';
import { nodeKey, SETTINGS_KEY } from './nats-names';
import { createNatsRoutingSource } from './nats-routing-source';
import { createNatsRoutingStore } from './nats-routing-store';

const logger = silentLogger();
const routeNode = (id: string, overrides: Partial<RouteNode> = {}): RouteNode => ({ id, url: `http://127.0.0.1:9${id.length}01`, location: 'eu', capacity: 10, status: 'active', load: 0, ...overrides });

let nc: NatsConnection;
let buckets = 0;
const freshBucket = () => `reconcile_${process.pid}_${++buckets}`;

beforeAll(async () => {
  nc = await connectNats({ servers: (await startNats()).url, name: 'reconcile-test', logger });
});
afterAll(async () => {
  await nc?.close();
  await stopAll();
});

/** What the bucket holds now: key to value, deleted keys left out. */
async function contents(kv: KV): Promise<Record<string, string>> {
  const held: Record<string, string> = {};
  for await (const key of await kv.keys()) {
    const entry = await kv.get(key);
    if (entry?.operation === 'PUT') held[key] = entry.string();
  }
  return held;
}

describe('NATS routing store: entries it did not write', () => {
  it('reconcile removes a key it did not write, restores a changed value and rewrites a deleted one', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.replaceAll([routeNode('a'), routeNode('b')], DEFAULT_ROUTING_SETTINGS);
    const kv = await new Kvm(nc).open(bucket);
    const published = await contents(kv);

    const rogue = await kv.put(nodeKey('rogue'), JSON.stringify(routeNode('rogue', { url: 'http://203.0.113.66:80' })));
    const changed = await kv.put(nodeKey('a'), JSON.stringify(routeNode('a', { url: 'http://203.0.113.66:80' })));
    await kv.delete(nodeKey('b'));
    const deleted = (await kv.get(nodeKey('b')))!.revision;

    const corrections = await store.reconcile();
    expect(corrections.sort((x, y) => x.revision - y.revision)).toEqual([
      { key: nodeKey('rogue'), revision: rogue, action: 'removed' },
      { key: nodeKey('a'), revision: changed, action: 'restored' },
      { key: nodeKey('b'), revision: deleted, action: 'rewritten' },
    ]);
    expect(await contents(kv)).toEqual(published);
    // Put right, nothing is left to do.
    expect(await store.reconcile()).toEqual([]);
  });

  it('reconciles only the keys it is given', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.replaceAll([routeNode('a')], DEFAULT_ROUTING_SETTINGS);
    const kv = await new Kvm(nc).open(bucket);
    await kv.put('other.x', 'x');
    await kv.put('other.y', 'y');
    expect((await store.reconcile(['other.x'])).map((c) => c.key)).toEqual(['other.x']);
    expect(Object.keys(await contents(kv)).sort()).toEqual([nodeKey('a'), 'other.y', SETTINGS_KEY].sort());
  });

  it('tells its own entries from others\' without I/O, and judges nothing before its first full replace', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    const ours = JSON.stringify(routeNode('a'));
    const entry = (key: string, value: string, operation: SeenRoutingEntry['operation'] = 'PUT'): SeenRoutingEntry => ({ key, revision: 1, operation, value });
    expect(store.wrote(entry(nodeKey('x'), 'anything'))).toBe(true);
    expect(await store.reconcile()).toEqual([]);

    await store.replaceAll([routeNode('a')], DEFAULT_ROUTING_SETTINGS);
    expect(store.wrote(entry(nodeKey('a'), ours))).toBe(true);
    expect(store.wrote(entry(nodeKey('a'), JSON.stringify(routeNode('a', { load: 9 }))))).toBe(false);
    expect(store.wrote(entry(nodeKey('x'), 'anything'))).toBe(false);
    expect(store.wrote(entry(SETTINGS_KEY, '', 'DEL'))).toBe(false);
    await store.deleteNode('a');
    expect(store.wrote(entry(nodeKey('a'), '', 'DEL'))).toBe(true);
  });

  it('never takes its own write in flight for a foreign one', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.replaceAll([routeNode('a')], DEFAULT_ROUTING_SETTINGS);
    const checks = [];
    for (let load = 1; load <= 20; load++) {
      void store.putNode(routeNode('a', { load }));
      checks.push(store.reconcile([nodeKey('a')]));
    }
    expect((await Promise.all(checks)).flat()).toEqual([]);
    expect(await store.reconcile()).toEqual([]);
  });
});

describe('NATS routing source hooks', () => {
  it('tells onEntry of every entry, and onRejected once per key and revision even when the bucket is read again', async () => {
    const bucket = freshBucket();
    const store = createNatsRoutingStore({ nc, logger, bucket });
    await store.replaceAll([routeNode('a')], DEFAULT_ROUTING_SETTINGS);
    const kv = await new Kvm(nc).open(bucket);
    const bad = await kv.put(nodeKey('bad'), JSON.stringify(routeNode('bad', { url: 'http:/127.0.0.1:31101' })));

    const seen: SeenRoutingEntry[] = [];
    const rejected: RejectedRoutingEntry[] = [];
    const tables: RoutingTable[] = [];
    const source = createNatsRoutingSource({ nc, logger, bucket });
    await source.start((t) => tables.push(t), { onEntry: (e) => seen.push(e), onRejected: (r) => rejected.push(r) });
    try {
      expect(tables[0].nodes.map((n) => n.id)).toEqual(['a']);
      expect(seen.map((e) => e.key).sort()).toEqual([nodeKey('a'), nodeKey('bad'), SETTINGS_KEY].sort());
      expect(seen.find((e) => e.key === nodeKey('a'))).toMatchObject({ operation: 'PUT', value: JSON.stringify(routeNode('a')) });
      expect(rejected).toEqual([{ key: nodeKey('bad'), revision: bad, reason: expect.stringMatching(/^invalid node: url: /) }]);

      // A reconnect makes the source read the whole bucket again: the same entry is not reported twice.
      await nc.reconnect();
      await eventually(() => seen.filter((e) => e.key === nodeKey('bad')).length === 2, 10_000);
      expect(rejected).toHaveLength(1);

      // A new bad value is a new revision: reported.
      await kv.put(nodeKey('bad'), 'not json');
      await eventually(() => rejected.length === 2);
      expect(rejected[1]).toMatchObject({ key: nodeKey('bad'), reason: 'not JSON' });
    } finally {
      await source.close();
    }
  });
});
