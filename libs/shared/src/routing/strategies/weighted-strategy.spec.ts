import { describe, expect, it } from 'vitest';
import { NO_LOAD, routeNode, seeded, tableOf, tally, times } from '../../../test/balancer-fixtures';
import { createBalancer } from './create-balancer';

describe("strategy 'weighted'", () => {
  it('shares traffic by capacity within 2% over 100k picks', () => {
    const balancer = createBalancer(tableOf([routeNode('a', 'X', 100), routeNode('b', 'Y', 150), routeNode('c', 'Z', 250)]), 'weighted');
    const random = seeded(42);
    const counts = tally(times(100_000, () => balancer.pick({ key: '/', clientLocation: undefined }, NO_LOAD, random)));
    expect(Math.abs(counts.a / 100_000 - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(counts.b / 100_000 - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(counts.c / 100_000 - 0.5)).toBeLessThan(0.02);
  });

  it('keeps capacity shares among the nodes left when one is excluded', () => {
    const balancer = createBalancer(tableOf([routeNode('a', 'X', 100), routeNode('b', 'Y', 150), routeNode('c', 'Z', 250)]), 'weighted');
    const random = seeded(3);
    const exclude = new Set(['c']);
    const counts = tally(times(100_000, () => balancer.pick({ key: '/', clientLocation: undefined, exclude }, NO_LOAD, random)));
    expect(counts.c).toBeUndefined();
    expect(Math.abs(counts.a / 100_000 - 0.4)).toBeLessThan(0.02);
    expect(Math.abs(counts.b / 100_000 - 0.6)).toBeLessThan(0.02);
  });

  it('prefers nodes whose location equals the client location exactly', () => {
    const balancer = createBalancer(tableOf([routeNode('bj1', 'Beijing', 1), routeNode('bj2', 'Beijing', 1), routeNode('sh', 'Shanghai', 1000)]), 'weighted');
    const random = seeded(1);
    for (let i = 0; i < 1000; i++) expect(balancer.pick({ key: '/', clientLocation: 'Beijing' }, NO_LOAD, random)!.location).toBe('Beijing');
  });

  it('falls back to every candidate when the local nodes are excluded or the location is unknown', () => {
    const balancer = createBalancer(tableOf([routeNode('bj', 'Beijing', 1), routeNode('sh', 'Shanghai', 1), routeNode('gz', 'Guangzhou', 1)]), 'weighted');
    const random = seeded(7);
    const excluded = tally(times(200, () => balancer.pick({ key: '/', clientLocation: 'Beijing', exclude: new Set(['bj']) }, NO_LOAD, random)));
    expect(Object.keys(excluded).sort()).toEqual(['gz', 'sh']);
    const unknown = tally(times(200, () => balancer.pick({ key: '/', clientLocation: 'Mars' }, NO_LOAD, random)));
    expect(Object.keys(unknown).sort()).toEqual(['bj', 'gz', 'sh']);
  });
});
