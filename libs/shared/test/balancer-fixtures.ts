import { buildRoutingTable, DEFAULT_ROUTING_SETTINGS, type RouteNode, type RoutingTable } from '../src/routing/routing-table';

/** A route node with defaults; `extra` sets status, coordinates or load. */
export function routeNode(id: string, location: string, capacity: number, extra: Partial<RouteNode> = {}): RouteNode {
  return { id, url: `http://${id}.example`, location, capacity, status: 'active', load: 0, ...extra };
}

export function tableOf(nodes: RouteNode[]): RoutingTable {
  return buildRoutingTable(1, nodes, DEFAULT_ROUTING_SETTINGS);
}

/** A deterministic [0,1) source (mulberry32) so distributions are repeatable. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NO_LOAD = (): number => 0;

/** Live loads a test can raise as it places requests. */
export function liveLoads(initial: Record<string, number> = {}): { loads: Map<string, number>; loadOf: (id: string) => number; add: (id: string, by?: number) => void } {
  const loads = new Map(Object.entries(initial));
  return {
    loads,
    loadOf: (id) => loads.get(id) ?? 0,
    add: (id, by = 1) => loads.set(id, (loads.get(id) ?? 0) + by),
  };
}

/** How many times each node id was picked. */
export function tally(picks: Iterable<RouteNode | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of picks) {
    const id = node?.id ?? 'none';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

export function* times<T>(count: number, make: (i: number) => T): Generator<T> {
  for (let i = 0; i < count; i++) yield make(i);
}
