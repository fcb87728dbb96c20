import { describe, expect, it } from 'vitest';
import type { EdgeNodeStats } from '@cdn/shared';
import { aggregateLoads } from './live-loads';

const inFlight = (n: number) => ({ inFlight: n, requests: 0, failures: 0, ejected: false });

describe('aggregateLoads', () => {
  it('adds every live edge’s in-flight requests to the heartbeat load', () => {
    const nodes = [{ id: 'a', currentLoad: 5 }, { id: 'b', currentLoad: 0 }];
    const edges: { nodes?: ReadonlyMap<string, EdgeNodeStats> }[] = [
      { nodes: new Map([['a', inFlight(2)], ['b', inFlight(1)], ['ghost', inFlight(9)]]) },
      { nodes: new Map([['a', inFlight(3)]]) },
      {},
    ];
    expect(aggregateLoads(nodes, edges)).toEqual(new Map([['a', 10], ['b', 1]]));
  });
});
