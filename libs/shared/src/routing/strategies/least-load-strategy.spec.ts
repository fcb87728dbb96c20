import { describe, expect, it } from 'vitest';
import { routeNode, seeded, tableOf, tally, times } from '../../../test/balancer-fixtures';
import { createBalancer } from './create-balancer';

describe("strategy 'least-load'", () => {
  const table = tableOf([routeNode('small', 'X', 10), routeNode('big', 'X', 100), routeNode('mid', 'X', 50)]);
  const request = { key: '/', clientLocation: undefined };

  it('picks the node with the lowest load relative to its capacity', () => {
    // small: 5/10 = 0.5, big: 20/100 = 0.2, mid: 15/50 = 0.3 — big carries the most requests yet is the least loaded.
    const loads: Record<string, number> = { small: 5, big: 20, mid: 15 };
    const balancer = createBalancer(table, 'least-load');
    expect(balancer.pick(request, (id) => loads[id], seeded(1))!.id).toBe('big');
  });

  it('skips excluded nodes', () => {
    const loads: Record<string, number> = { small: 5, big: 20, mid: 15 };
    const balancer = createBalancer(table, 'least-load');
    expect(balancer.pick({ ...request, exclude: new Set(['big']) }, (id) => loads[id], seeded(1))!.id).toBe('mid');
  });

  it('breaks ties at random, evenly and repeatably for a given random source', () => {
    // 1/10 = 10/100 = 5/50: all three tie.
    const loads: Record<string, number> = { small: 1, big: 10, mid: 5 };
    const balancer = createBalancer(table, 'least-load');
    const run = (seed: number) => {
      const random = seeded(seed);
      return tally(times(30_000, () => balancer.pick(request, (id) => loads[id], random)));
    };
    const counts = run(9);
    for (const id of ['small', 'big', 'mid']) expect(Math.abs(counts[id] / 30_000 - 1 / 3)).toBeLessThan(0.02);
    expect(run(9)).toEqual(counts);
  });

  it('spreads a burst so relative loads stay level', () => {
    const loads: Record<string, number> = { small: 0, big: 0, mid: 0 };
    const balancer = createBalancer(table, 'least-load');
    const random = seeded(4);
    for (let i = 0; i < 1600; i++) loads[balancer.pick(request, (id) => loads[id], random)!.id]++;
    // 1600 requests over 160 units of capacity: 10 per unit, give or take one request's worth.
    expect(Math.abs(loads.small - 100)).toBeLessThanOrEqual(1);
    expect(Math.abs(loads.mid - 500)).toBeLessThanOrEqual(5);
    expect(Math.abs(loads.big - 1000)).toBeLessThanOrEqual(10);
  });
});
