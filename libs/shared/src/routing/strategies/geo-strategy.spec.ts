import { describe, expect, it } from 'vitest';
import { NO_LOAD, routeNode, seeded, tableOf, tally, times } from '../../../test/balancer-fixtures';
import { createBalancer } from './create-balancer';

describe("strategy 'geo'", () => {
  const table = tableOf([
    routeNode('bj-a', 'CN/Beijing', 100, { lat: 39.9, lon: 116.4 }),
    routeNode('bj-b', 'CN/Beijing', 300, { lat: 39.95, lon: 116.3 }),
    routeNode('tj', 'CN/Tianjin', 1000, { lat: 39.13, lon: 117.2 }),
    routeNode('fra', 'DE/Frankfurt', 1000, { lat: 50.11, lon: 8.68 }),
  ]);

  it('picks only from the nearest group, by capacity within it', () => {
    const balancer = createBalancer(table, 'geo');
    const random = seeded(11);
    for (const clientLocation of ['CN/Beijing', 'Beijing', '39.9,116.4']) {
      const counts = tally(times(40_000, () => balancer.pick({ key: '/', clientLocation }, NO_LOAD, random)));
      expect(Object.keys(counts).sort()).toEqual(['bj-a', 'bj-b']);
      expect(Math.abs(counts['bj-a'] / 40_000 - 0.25)).toBeLessThan(0.02);
    }
  });

  it('falls over to the next group when the nearest is excluded', () => {
    const balancer = createBalancer(table, 'geo');
    const random = seeded(2);
    const exclude = new Set(['bj-a', 'bj-b']);
    expect(balancer.pick({ key: '/', clientLocation: '39.9,116.4', exclude }, NO_LOAD, random)!.id).toBe('tj');
    expect(balancer.pick({ key: '/', clientLocation: 'CN/Beijing', exclude }, NO_LOAD, random)!.id).toBe('tj');
    expect(balancer.pick({ key: '/', clientLocation: 'CN/Beijing', exclude: new Set(['bj-a', 'bj-b', 'tj']) }, NO_LOAD, random)!.id).toBe('fra');
  });

  it('shares by capacity over every node when the client gives no location', () => {
    const balancer = createBalancer(table, 'geo');
    const random = seeded(8);
    const counts = tally(times(60_000, () => balancer.pick({ key: '/', clientLocation: undefined }, NO_LOAD, random)));
    expect(Math.abs(counts.fra / 60_000 - 1000 / 2400)).toBeLessThan(0.02);
  });

  it('answers the same for many distinct client coordinates (past its memo of client locations)', () => {
    const balancer = createBalancer(table, 'geo');
    const random = seeded(6);
    for (let i = 0; i < 3000; i++) {
      const node = balancer.pick({ key: '/', clientLocation: `${(39.9 + i / 100_000).toFixed(5)},116.4` }, NO_LOAD, random)!;
      expect(node.id.startsWith('bj-')).toBe(true);
    }
  });
});
