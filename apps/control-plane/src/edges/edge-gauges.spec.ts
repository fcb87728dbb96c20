import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerRevisionGauges } from './edge-gauges';
import type { EdgeRecord } from './edge-liveness';

const edge = (id: string, revision: number): EdgeRecord => ({ id, revision, table: 'live', receivedAt: 0, startedAt: 0, status: 'live' });

describe('revision gauges', () => {
  it('give the latest revision and each live edge\'s revision and lag', async () => {
    const registry = new Registry();
    let live = [edge('edge-a', 7), edge('edge-b', 4), edge('ahead', 9)];
    registerRevisionGauges(registry, { latestRevision: () => 7, liveEdges: () => live });
    let text = await registry.metrics();
    expect(text).toContain('cdn_cp_routing_revision 7');
    expect(text).toContain('cdn_cp_edge_routing_revision{edge="edge-b"} 4');
    expect(text).toContain('cdn_cp_edge_routing_lag{edge="edge-a"} 0');
    expect(text).toContain('cdn_cp_edge_routing_lag{edge="edge-b"} 3');
    // An edge ahead of our own reader is not behind.
    expect(text).toContain('cdn_cp_edge_routing_lag{edge="ahead"} 0');
    live = [edge('edge-a', 7)];
    text = await registry.metrics();
    expect(text).not.toContain('edge-b');
  });
});
