import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING_SETTINGS, type RouteNode } from '../routing/routing-table';
import { nodeKey, SETTINGS_KEY } from './nats-names';
import { RoutingEntries, sameTable, type RoutingEntry } from './nats-routing-entries';

const node = (id: string, load = 0): RouteNode => ({ id, url: 'http://127.0.0.1:9001', location: 'eu', capacity: 1, status: 'active', load });
const put = (key: string, revision: number, value: unknown): RoutingEntry => ({
  key,
  revision,
  operation: 'PUT',
  text: () => (typeof value === 'string' ? value : JSON.stringify(value)),
});
const del = (key: string, revision: number): RoutingEntry => ({ key, revision, operation: 'DEL', text: () => '' });

describe('RoutingEntries', () => {
  it('builds a table from node and settings entries', () => {
    const entries = new RoutingEntries();
    entries.apply(put(nodeKey('b'), 1, node('b')));
    entries.apply(put(nodeKey('a.x'), 2, node('a.x')));
    entries.apply(put(SETTINGS_KEY, 3, { cacheEnabled: false }));
    expect(entries.table()).toEqual({ revision: 3, nodes: [node('a.x'), node('b')], settings: { cacheEnabled: false } });
  });

  it('removes a deleted node and restores default settings, counting the delete revisions', () => {
    const entries = new RoutingEntries();
    entries.apply(put(nodeKey('a'), 1, node('a')));
    entries.apply(put(SETTINGS_KEY, 2, { cacheEnabled: false }));
    entries.apply(del(nodeKey('a'), 3));
    entries.apply(del(SETTINGS_KEY, 4));
    expect(entries.table()).toEqual({ revision: 4, nodes: [], settings: DEFAULT_ROUTING_SETTINGS });
  });

  it.each([
    ['not JSON', put(nodeKey('a'), 2, '{')],
    ['a failing node', put(nodeKey('a'), 2, { ...node('a'), capacity: 0 })],
    ['a node under another id', put(nodeKey('a'), 2, node('b'))],
  ])('refuses %s and keeps the last good node', (_, entry) => {
    const entries = new RoutingEntries();
    entries.apply(put(nodeKey('a'), 1, node('a', 4)));
    expect(entries.apply(entry)).toMatch(/not JSON|invalid node: capacity|does not match/);
    expect(entries.table()).toEqual({ revision: 2, nodes: [node('a', 4)], settings: DEFAULT_ROUTING_SETTINGS });
  });

  it('refuses invalid settings and keeps the last good ones', () => {
    const entries = new RoutingEntries();
    entries.apply(put(SETTINGS_KEY, 1, { cacheEnabled: false }));
    expect(entries.apply(put(SETTINGS_KEY, 2, { cacheEnabled: 'no' }))).toMatch(/invalid settings/);
    expect(entries.table().settings).toEqual({ cacheEnabled: false });
  });

  it('ignores keys it does not know, but not their revision', () => {
    const entries = new RoutingEntries();
    expect(entries.apply(put('other.key', 5, 'x'))).toBeUndefined();
    expect(entries.table()).toEqual({ revision: 5, nodes: [], settings: DEFAULT_ROUTING_SETTINGS });
  });

  it('compares tables by revision and content', () => {
    const a = new RoutingEntries();
    a.apply(put(nodeKey('a'), 1, node('a')));
    const b = new RoutingEntries();
    b.apply(put(nodeKey('a'), 1, node('a')));
    expect(sameTable(a.table(), b.table())).toBe(true);
    expect(sameTable(undefined, b.table())).toBe(false);
    b.seen(2);
    expect(sameTable(a.table(), b.table())).toBe(false);
  });
});
