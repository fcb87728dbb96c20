import { describe, expect, it } from 'vitest';
import { createWeightedSelector } from './balancing';
import { buildRoutingTable, DEFAULT_ROUTING_SETTINGS, RouteNode } from './routing-table';

function node(id: string, location: string, capacity: number, status: RouteNode['status'] = 'active'): RouteNode {
  return { id, url: `http://${id}.example`, location, capacity, status, load: 0 };
}

/** A deterministic [0,1) source (mulberry32) so distributions are repeatable. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createWeightedSelector', () => {
  it('shares traffic by capacity within 2% over 100k picks', () => {
    const table = buildRoutingTable(1, [node('a', 'X', 100), node('b', 'Y', 150), node('c', 'Z', 250)], DEFAULT_ROUTING_SETTINGS);
    const select = createWeightedSelector(table);
    const random = seeded(42);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 100_000; i++) counts[select(undefined, random)!.id]++;
    expect(counts.a / 100_000).toBeCloseTo(0.2, 1);
    expect(Math.abs(counts.a / 100_000 - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(counts.b / 100_000 - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(counts.c / 100_000 - 0.5)).toBeLessThan(0.02);
  });

  it('prefers nodes in the client location', () => {
    const table = buildRoutingTable(1, [node('bj1', 'Beijing', 1), node('bj2', 'Beijing', 1), node('sh', 'Shanghai', 1000)], DEFAULT_ROUTING_SETTINGS);
    const select = createWeightedSelector(table);
    const random = seeded(1);
    for (let i = 0; i < 1000; i++) expect(select('Beijing', random)!.location).toBe('Beijing');
  });

  it('falls back to every active node for an unknown location', () => {
    const table = buildRoutingTable(1, [node('bj', 'Beijing', 1), node('sh', 'Shanghai', 1)], DEFAULT_ROUTING_SETTINGS);
    const select = createWeightedSelector(table);
    const seen = new Set<string>();
    const random = seeded(7);
    for (let i = 0; i < 100; i++) seen.add(select('Mars', random)!.id);
    expect([...seen].sort()).toEqual(['bj', 'sh']);
  });

  it('never picks an inactive node, even in the client location', () => {
    const table = buildRoutingTable(1, [node('bj', 'Beijing', 100, 'inactive'), node('sh', 'Shanghai', 1)], DEFAULT_ROUTING_SETTINGS);
    const select = createWeightedSelector(table);
    expect(select('Beijing', () => 0)!.id).toBe('sh');
    expect(select('Beijing', () => 0.999)!.id).toBe('sh');
  });

  it('returns undefined when no node is active', () => {
    const table = buildRoutingTable(1, [node('a', 'X', 1, 'inactive')], DEFAULT_ROUTING_SETTINGS);
    expect(createWeightedSelector(table)(undefined, Math.random)).toBeUndefined();
  });
});
