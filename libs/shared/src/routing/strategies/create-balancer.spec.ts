import { describe, expect, it } from 'vitest';
import type { RouteNode } from '../routing-table';
import { NO_LOAD, routeNode, seeded, tableOf, tally, times } from '../../../test/balancer-fixtures';
import { createBalancer } from './create-balancer';
import { LB_STRATEGIES, type LbStrategy } from './types';

const picksOf = (nodes: RouteNode[], strategy: LbStrategy, exclude?: Set<string>, panic?: boolean) => {
  const balancer = createBalancer(tableOf(nodes), strategy, { panic });
  const random = seeded(1);
  return tally(times(300, (i) => balancer.pick({ key: `/k/${i}`, clientLocation: 'X', exclude }, NO_LOAD, random)));
};

describe('createBalancer', () => {
  describe.each(LB_STRATEGIES)("candidates with strategy '%s'", (strategy) => {
    it('picks active nodes only while any is left', () => {
      const nodes = [routeNode('a', 'X', 1), routeNode('s', 'X', 100, { status: 'suspect' }), routeNode('i', 'X', 100, { status: 'inactive' })];
      expect(Object.keys(picksOf(nodes, strategy))).toEqual(['a']);
    });

    it('never picks an excluded node', () => {
      const nodes = [routeNode('a', 'X', 1), routeNode('b', 'X', 1), routeNode('c', 'Y', 1)];
      expect(Object.keys(picksOf(nodes, strategy, new Set(['a', 'c'])))).toEqual(['b']);
    });

    it('in panic, tries suspect nodes, then inactive ones, but never draining ones', () => {
      const suspect = routeNode('s', 'X', 1, { status: 'suspect' });
      const inactive = routeNode('i', 'X', 1, { status: 'inactive' });
      const draining = routeNode('d', 'X', 100, { status: 'draining' });
      const active = routeNode('a', 'X', 1);
      expect(Object.keys(picksOf([active, suspect, inactive, draining], strategy, new Set(['a'])))).toEqual(['s']);
      expect(Object.keys(picksOf([suspect, inactive, draining], strategy))).toEqual(['s']);
      expect(Object.keys(picksOf([suspect, inactive, draining], strategy, new Set(['s'])))).toEqual(['i']);
      expect(picksOf([suspect, inactive, draining], strategy, new Set(['s', 'i']))).toEqual({ none: 300 });
    });

    it('without panic, picks nothing when no active node is left', () => {
      const nodes = [routeNode('a', 'X', 1), routeNode('s', 'X', 1, { status: 'suspect' }), routeNode('i', 'X', 1, { status: 'inactive' })];
      expect(picksOf(nodes, strategy, new Set(['a']), false)).toEqual({ none: 300 });
    });

    it('never picks a draining node, even when it is the only one', () => {
      expect(picksOf([routeNode('d', 'X', 1, { status: 'draining' })], strategy)).toEqual({ none: 300 });
    });

    it('picks nothing from an empty table', () => {
      expect(picksOf([], strategy)).toEqual({ none: 300 });
    });

    it('treats an empty exclusion set as none', () => {
      expect(Object.keys(picksOf([routeNode('a', 'X', 1)], strategy, new Set()))).toEqual(['a']);
    });
  });

  it('rejects an unknown strategy and a negative ε', () => {
    expect(() => createBalancer(tableOf([]), 'random' as LbStrategy)).toThrow('unknown load-balancing strategy "random"');
    expect(() => createBalancer(tableOf([]), 'default', { epsilon: -0.1 })).toThrow('epsilon must be a finite number >= 0');
  });
});
