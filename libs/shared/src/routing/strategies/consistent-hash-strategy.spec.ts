import { describe, expect, it } from 'vitest';
import type { RouteNode } from '../routing-table';
import { liveLoads, NO_LOAD, routeNode, seeded, tableOf, tally } from '../../../test/balancer-fixtures';
import { createBalancer } from './create-balancer';

const N = 10;
const KEYS = Array.from({ length: 10_000 }, (_, i) => `/assets/${i}.js?v=${i % 7}`);
const nodes = (count: number, capacity = (_i: number) => 100): RouteNode[] => Array.from({ length: count }, (_, i) => routeNode(`n${i}`, 'X', capacity(i)));
const never = () => {
  throw new Error('consistent hashing must not draw random numbers');
};

function owners(table: RouteNode[]): Map<string, string> {
  const balancer = createBalancer(tableOf(table), 'consistent-hash');
  return new Map(KEYS.map((key) => [key, balancer.pick({ key, clientLocation: undefined }, NO_LOAD, never)!.id]));
}

/** The bound as the brief states it, computed independently of the implementation. */
function bound(epsilon: number, totalLoad: number, capacity: number, totalCapacity: number): number {
  return Math.ceil((1 + epsilon) * totalLoad * (capacity / totalCapacity));
}

describe("strategy 'consistent-hash'", () => {
  it('maps a key to the same node every time, whatever the random source', () => {
    const before = owners(nodes(N));
    expect(owners(nodes(N))).toEqual(before);
  });

  it('shares keys by capacity', () => {
    const table = nodes(4, (i) => [100, 200, 300, 400][i]);
    const balancer = createBalancer(tableOf(table), 'consistent-hash');
    const keys = Array.from({ length: 100_000 }, (_, i) => `/k/${i}`);
    const counts = tally(keys.map((key) => balancer.pick({ key, clientLocation: undefined }, NO_LOAD, never)));
    [0.1, 0.2, 0.3, 0.4].forEach((share, i) => expect(Math.abs(counts[`n${i}`] / keys.length - share)).toBeLessThan(0.02));
  });

  it('moves only the leaving node’s keys (~1/N) when one of N=10 leaves', () => {
    const before = owners(nodes(N));
    const after = owners(nodes(N).filter((node) => node.id !== 'n3'));
    const moved = KEYS.filter((key) => before.get(key) !== after.get(key));
    expect(moved.length / KEYS.length).toBeGreaterThan(0.5 / N);
    expect(moved.length / KEYS.length).toBeLessThan(1.5 / N);
    expect(moved.every((key) => before.get(key) === 'n3')).toBe(true);
  });

  it('moves only the keys the new node wins (~1/N) when the tenth node joins', () => {
    const before = owners(nodes(N).filter((node) => node.id !== 'n7'));
    const after = owners(nodes(N));
    const moved = KEYS.filter((key) => before.get(key) !== after.get(key));
    expect(moved.length / KEYS.length).toBeGreaterThan(0.5 / N);
    expect(moved.length / KEYS.length).toBeLessThan(1.5 / N);
    expect(moved.every((key) => after.get(key) === 'n7')).toBe(true);
  });

  for (const { name, epsilon, capacity } of [
    { name: 'equal capacities, ε=0.25', epsilon: 0.25, capacity: () => 100 },
    { name: 'unequal capacities, ε=0.25', epsilon: 0.25, capacity: (i: number) => 50 + 25 * i },
    { name: 'unequal capacities, ε=0.05', epsilon: 0.05, capacity: (i: number) => 10 * (i + 1) },
  ]) {
    it(`never lets a hot key push a node past its bound (${name})`, () => {
      const table = nodes(N, capacity);
      const totalCapacity = table.reduce((sum, node) => sum + node.capacity, 0);
      const balancer = createBalancer(tableOf(table), 'consistent-hash', { epsilon });
      const { loads, loadOf, add } = liveLoads();
      let total = 0;
      const over: string[] = [];
      for (let step = 0; step < 5_000; step++) {
        // Mostly the hot key, with some ordinary traffic beside it.
        const key = step % 4 === 3 ? `/cold/${step}` : '/hot/video.m3u8';
        add(balancer.pick({ key, clientLocation: undefined }, loadOf, never)!.id);
        total++;
        for (const node of table) {
          const load = loads.get(node.id) ?? 0;
          if (load > bound(epsilon, total, node.capacity, totalCapacity)) over.push(`step ${step}: ${node.id} at ${load}`);
        }
      }
      expect(over).toEqual([]);
      // The hot key really spilled over: every node took part.
      expect(loads.size).toBe(N);
    });
  }

  it('keeps the bound for the node it picks while requests also finish', () => {
    const table = nodes(N, (i) => 100 + 10 * i);
    const totalCapacity = table.reduce((sum, node) => sum + node.capacity, 0);
    const balancer = createBalancer(tableOf(table), 'consistent-hash');
    const { loads, loadOf, add } = liveLoads();
    const random = seeded(5);
    const inFlight: string[] = [];
    for (let step = 0; step < 20_000; step++) {
      if (inFlight.length > 0 && random() < 0.45) add(inFlight.splice(Math.floor(random() * inFlight.length), 1)[0], -1);
      const id = balancer.pick({ key: random() < 0.6 ? '/hot' : `/k/${step}`, clientLocation: undefined }, loadOf, never)!.id;
      add(id);
      inFlight.push(id);
      const node = table.find((n) => n.id === id)!;
      expect(loads.get(id)).toBeLessThanOrEqual(bound(0.25, inFlight.length, node.capacity, totalCapacity));
    }
  });

  it('takes the least loaded node relative to capacity when no node is within its bound', () => {
    // Heartbeat loads are fractional and can sit above every bound: with ε=0 the bounds are 5, 10 and 20,
    // and each node would exceed its own by half a request; n0 (0.45 per unit) has the most room.
    const table = nodes(3, (i) => [10, 20, 40][i]);
    const loads: Record<string, number> = { n0: 4.5, n1: 9.5, n2: 19.5 };
    const balancer = createBalancer(tableOf(table), 'consistent-hash', { epsilon: 0 });
    for (const key of ['/a', '/b', '/c', '/d']) expect(balancer.pick({ key, clientLocation: undefined }, (id) => loads[id], never)!.id).toBe('n0');
  });

  it('moves a key to its next-ranked node when its node is excluded, and only those keys move', () => {
    const balancer = createBalancer(tableOf(nodes(N)), 'consistent-hash');
    const exclude = new Set(['n5']);
    for (const key of KEYS.slice(0, 2000)) {
      const first = balancer.pick({ key, clientLocation: undefined }, NO_LOAD, never)!.id;
      const retry = balancer.pick({ key, clientLocation: undefined, exclude }, NO_LOAD, never)!.id;
      expect(retry).not.toBe('n5');
      if (first !== 'n5') expect(retry).toBe(first);
    }
  });
});

