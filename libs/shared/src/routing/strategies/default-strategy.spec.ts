import { describe, expect, it } from 'vitest';
import { liveLoads, NO_LOAD, routeNode, tableOf, tally } from '../../../test/balancer-fixtures';
import { createBalancer } from './create-balancer';

const never = () => {
  throw new Error('the default strategy must not draw random numbers');
};

describe("strategy 'default'", () => {
  const nodes = [
    routeNode('bj-1', 'CN/Beijing', 100),
    routeNode('bj-2', 'CN/Beijing', 100),
    routeNode('bj-3', 'CN/Beijing', 100),
    routeNode('sh-1', 'CN/Shanghai', 100),
    routeNode('us-1', 'US/Oregon', 100),
  ];
  const balancer = createBalancer(tableOf(nodes), 'default');
  const keys = Array.from({ length: 3000 }, (_, i) => `/img/${i}.png`);

  it('hashes each key to one node of the nearest group', () => {
    const first = keys.map((key) => balancer.pick({ key, clientLocation: 'CN/Beijing' }, NO_LOAD, never)!.id);
    const again = keys.map((key) => balancer.pick({ key, clientLocation: 'CN/Beijing' }, NO_LOAD, never)!.id);
    expect(again).toEqual(first);
    const counts = tally(first.map((id) => ({ id }) as never));
    expect(Object.keys(counts).sort()).toEqual(['bj-1', 'bj-2', 'bj-3']);
    for (const id of ['bj-1', 'bj-2', 'bj-3']) expect(Math.abs(counts[id] / keys.length - 1 / 3)).toBeLessThan(0.04);
  });

  it('keeps a key on its node when another node of the group is excluded', () => {
    for (const key of keys.slice(0, 500)) {
      const owner = balancer.pick({ key, clientLocation: 'CN/Beijing' }, NO_LOAD, never)!.id;
      const other = ['bj-1', 'bj-2', 'bj-3'].find((id) => id !== owner)!;
      expect(balancer.pick({ key, clientLocation: 'CN/Beijing', exclude: new Set([other]) }, NO_LOAD, never)!.id).toBe(owner);
    }
  });

  it('falls over to the next group only when the whole nearest group is excluded', () => {
    const exclude = new Set(['bj-1', 'bj-2', 'bj-3']);
    expect(balancer.pick({ key: '/a', clientLocation: 'CN/Beijing', exclude }, NO_LOAD, never)!.id).toBe('sh-1');
    expect(balancer.pick({ key: '/a', clientLocation: 'CN/Beijing', exclude: new Set([...exclude, 'sh-1']) }, NO_LOAD, never)!.id).toBe('us-1');
  });

  it('bounds a hot key within the nearest group rather than spilling to farther groups', () => {
    const { loads, loadOf, add } = liveLoads();
    for (let i = 0; i < 3000; i++) add(balancer.pick({ key: '/hot', clientLocation: 'CN/Beijing' }, loadOf, never)!.id);
    expect([...loads.keys()].sort()).toEqual(['bj-1', 'bj-2', 'bj-3']);
    // Bound: ceil(1.25 × 3000 / 3) = 1250 per node.
    for (const load of loads.values()) expect(load).toBeLessThanOrEqual(1250);
  });
});
