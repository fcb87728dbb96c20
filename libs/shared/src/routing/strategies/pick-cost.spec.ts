import { describe, expect, it } from 'vitest';
import { liveLoads, routeNode, seeded, tableOf } from '../../../test/balancer-fixtures';
import { createBalancer } from './create-balancer';
import { LB_STRATEGIES } from './types';

/** A micro-benchmark of pick() for a 50-node table: printed, not asserted (machines differ). */
describe('pick() cost', () => {
  const regions = [
    ['CN/Beijing', 39.9, 116.4],
    ['CN/Shanghai', 31.23, 121.47],
    ['US/Oregon', 45.6, -121.2],
    ['DE/Frankfurt', 50.11, 8.68],
    ['SG/Singapore', 1.35, 103.82],
  ] as const;
  const nodes = Array.from({ length: 50 }, (_, i) => {
    const [location, lat, lon] = regions[i % regions.length];
    return routeNode(`node-${i}`, location, 50 + (i % 7) * 25, { lat: lat + (i % 3) * 0.05, lon });
  });
  const clients = ['CN/Beijing', 'Shanghai', '40.0,116.3', 'US/Oregon', undefined];
  const keys = Array.from({ length: 1024 }, (_, i) => `/static/app.${i}.js?v=3`);

  it('prints ns per pick for 50 nodes', () => {
    const { loadOf } = liveLoads(Object.fromEntries(nodes.map((node, i) => [node.id, i % 11])));
    const random = seeded(1);
    const exclude = new Set(['node-0', 'node-5']);
    const rows: Record<string, { 'ns/pick': number; 'ns/pick (2 excluded)': number }> = {};
    for (const strategy of LB_STRATEGIES) {
      const balancer = createBalancer(tableOf(nodes), strategy);
      const measure = (withExclude: boolean): number => {
        const rounds = 200_000;
        let sink = 0;
        for (let i = 0; i < 20_000; i++) sink += balancer.pick({ key: keys[i & 1023], clientLocation: clients[i % 5], exclude: withExclude ? exclude : undefined }, loadOf, random)!.capacity;
        const started = process.hrtime.bigint();
        for (let i = 0; i < rounds; i++) sink += balancer.pick({ key: keys[i & 1023], clientLocation: clients[i % 5], exclude: withExclude ? exclude : undefined }, loadOf, random)!.capacity;
        const ns = Number(process.hrtime.bigint() - started) / rounds;
        expect(sink).toBeGreaterThan(0);
        return Math.round(ns);
      };
      rows[strategy] = { 'ns/pick': measure(false), 'ns/pick (2 excluded)': measure(true) };
    }
    const build = Array.from({ length: 5 }, () => {
      const started = process.hrtime.bigint();
      for (const strategy of LB_STRATEGIES) createBalancer(tableOf(nodes), strategy);
      return Number(process.hrtime.bigint() - started) / 1000 / LB_STRATEGIES.length;
    });
    console.log(`pick() cost, 50 nodes, 5 client locations, 1024 keys (createBalancer: ~${Math.round(Math.min(...build))} µs per table)`);
    console.table(rows);
  });
});
