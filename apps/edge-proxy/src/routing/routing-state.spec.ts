import http from 'node:http';
import https from 'node:https';
import { buildRoutingTable, DEFAULT_ROUTING_SETTINGS, type RouteNode } from '@cdn/shared';
import { describe, expect, it } from 'vitest';
import { buildRoutingState } from './routing-state';

const agents = { http: new http.Agent(), https: new https.Agent() };
const node = (id: string, url: string): RouteNode => ({ id, url, location: 'eu', capacity: 1, status: 'active', load: 0 });

describe('buildRoutingState', () => {
  it('serves the nodes it can reach by URL and leaves out, and reports, one it cannot', () => {
    // Past the routing schema only by a bug: the edge still serves the rest of the table.
    const table = buildRoutingTable(7, [node('a', 'http://127.0.0.1:1'), node('b', 'not a url'), node('c', 'ftp://127.0.0.1:3')], DEFAULT_ROUTING_SETTINGS);
    const unusable: string[] = [];
    const state = buildRoutingState(table, agents, { edgeCacheEnabled: true, strategy: 'default', panic: true }, (n, reason) => unusable.push(`${n.id}: ${reason}`));
    expect([...state.targets.keys()]).toEqual(['a']);
    expect(state.table.nodes.map((n) => n.id)).toEqual(['a']);
    expect(state.table.revision).toBe(7);
    expect(state.activeCount).toBe(1);
    expect(unusable).toEqual(['b: its URL does not parse', 'c: its URL is not http or https (ftp:)']);
    for (let i = 0; i < 20; i++) expect(state.balancer.pick({ key: `/k${i}`, clientLocation: undefined }, () => 0, Math.random)?.id).toBe('a');
  });
});
