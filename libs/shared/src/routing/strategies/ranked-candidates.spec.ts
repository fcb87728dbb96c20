import { describe, expect, it } from 'vitest';
import { routeNode, seeded, tableOf } from '../../../test/balancer-fixtures';
import type { RouteNode } from '../routing-table';
import { createBalancer } from './create-balancer';
import type { LoadOf } from './types';

/** The same loads, with and without a kept total: the balancer must not tell them apart. */
function loadSources(loads: Map<string, number>): { plain: LoadOf; withTotal: LoadOf } {
  const plain: LoadOf = (id) => loads.get(id) ?? 0;
  const withTotal: LoadOf = Object.assign((id: string) => loads.get(id) ?? 0, {
    total: (nodes: readonly RouteNode[]) => nodes.reduce((sum, node) => sum + (loads.get(node.id) ?? 0), 0),
  });
  return { plain, withTotal };
}

describe('bounded-load picks from ranked candidates', () => {
  it.each(['default', 'consistent-hash'] as const)('%s: picks exactly what the full scan picks, request after request, with loads, exclusions and regions', (strategy) => {
    const random = seeded(7);
    const regions = ['CN/Beijing', 'CN/Shanghai', 'US/Oregon'];
    const nodes = Array.from({ length: 600 }, (_, i) => routeNode(`node-${i}`, regions[i % 3], 50 + (i % 5) * 50, { load: i % 4 }));
    const balancer = createBalancer(tableOf(nodes), strategy);
    const loads = new Map(nodes.map((node) => [node.id, node.load]));
    const { plain, withTotal } = loadSources(loads);
    for (let i = 0; i < 3000; i++) {
      // A few hot keys with requests piling up in flight, many cold ones, some exclusions, several client places.
      const key = random() < 0.6 ? `/hot/${i % 3}` : `/cold/${i}`;
      const exclude = random() < 0.2 ? new Set([`node-${Math.floor(random() * 600)}`, `node-${Math.floor(random() * 600)}`]) : undefined;
      const request = { key, clientLocation: regions[i % 4], exclude };
      const expected = balancer.pick(request, plain, random);
      expect(balancer.pick(request, withTotal, random)?.id).toBe(expected?.id);
      if (expected) loads.set(expected.id, (loads.get(expected.id) ?? 0) + 1);
      if (i % 50 === 49) for (const id of loads.keys()) loads.set(id, Math.floor((loads.get(id) ?? 0) / 2));
    }
  });

  it('places a hot key\'s requests in flight on as many nodes as the bound asks, past the first ranked ones', () => {
    const nodes = Array.from({ length: 2000 }, (_, i) => routeNode(`node-${i}`, 'CN/Beijing', 100));
    const balancer = createBalancer(tableOf(nodes), 'default');
    const loads = new Map<string, number>();
    const { plain, withTotal } = loadSources(loads);
    for (let i = 0; i < 400; i++) {
      const expected = balancer.pick({ key: '/hot', clientLocation: undefined }, plain, Math.random)!;
      expect(balancer.pick({ key: '/hot', clientLocation: undefined }, withTotal, Math.random)!.id).toBe(expected.id);
      loads.set(expected.id, (loads.get(expected.id) ?? 0) + 1);
    }
    // With 2,000 equal nodes and 400 in flight the bound is one request per node: 400 nodes, more than are ranked at once.
    expect(loads.size).toBe(400);
  });
});
