import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CacheCommand, CacheReceipt, EDGE_EVENTS } from '@cdn/shared';
import { Origin, startOrigin } from '../../../../test/support/origin';
import { eventually } from '../../../../test/support/ports';
import { startRedis, stopAll } from '../../../../test/support/processes';
import { EdgeHarness, request, routeNode, startEdge } from '../../test/edge-harness';

let edge: EdgeHarness;
let origin: Origin;

afterEach(async () => {
  await edge?.close();
  await origin?.close();
});
afterAll(stopAll);

async function edgeWithOrigin(config: Parameters<typeof startEdge>[0] = {}) {
  origin = await startOrigin('origin');
  edge = await startEdge(config);
  await edge.putNodes(routeNode('node1', origin.url));
  const receipts: CacheReceipt[] = [];
  const commands: CacheCommand[] = [];
  edge.bus.onEvent((event, data) => {
    if (event === EDGE_EVENTS.receipt) receipts.push(data as CacheReceipt);
  });
  edge.bus.cacheCommands.subscribe((command) => commands.push(command));
  return { receipts, commands };
}

const purge = (extra: Partial<Extract<CacheCommand, { type: 'purge' }>> = {}): CacheCommand => ({
  type: 'purge', operationId: 'op-1', urls: [], prefixes: [], tags: [], soft: false, sharedTierBy: null, issuedAt: 0, ...extra,
});

describe('cache commands on an edge', () => {
  it('purges a URL from memory and answers with a receipt', async () => {
    const { receipts } = await edgeWithOrigin();
    await request(`${edge.url}/cdn/page`);
    expect((await request(`${edge.url}/cdn/page`)).headers['x-cache']).toBe('HIT');
    edge.bus.cacheCommands.publish(purge({ urls: ['/cdn/page'] }));
    await eventually(() => receipts.length === 1);
    expect(receipts[0]).toMatchObject({ operationId: 'op-1', edgeId: 'edge-test', applied: true, entriesAffected: 1, errors: [] });
    expect((await request(`${edge.url}/cdn/page`)).headers['x-cache']).toBe('MISS');
  });

  it('after purging the shared tier, sweeps every edge\'s memory again', async () => {
    const redis = await startRedis();
    const { receipts, commands } = await edgeWithOrigin({ config: { cacheRedisUrl: redis.url } });
    edge.bus.cacheCommands.publish(purge({ prefixes: ['/cdn/section/'], sharedTierBy: 'edge-test' }));
    await eventually(() => receipts.length === 1);
    expect(commands.map((c) => c.type)).toEqual(['purge', 'sweep']);
    expect(commands[1]).toMatchObject({ operationId: 'op-1', prefixes: ['/cdn/section/'], fromEdge: 'edge-test' });
  });

  it('warms URLs into memory with a receipt counting them', async () => {
    const { receipts } = await edgeWithOrigin();
    edge.bus.cacheCommands.publish({ type: 'warm', operationId: 'op-2', urls: ['/cdn/a', '/cdn/b'], issuedAt: 0 });
    await eventually(() => receipts.length === 1);
    expect(receipts[0]).toMatchObject({ operationId: 'op-2', applied: true, entriesAffected: 2, errors: [] });
    expect((await request(`${edge.url}/cdn/a`)).headers['x-cache']).toBe('HIT');
    expect(origin.requests).toHaveLength(2);
  });

  it("drops what another edge invalidated, and ignores its own invalidations", async () => {
    await edgeWithOrigin();
    await request(`${edge.url}/cdn/item`);
    edge.bus.cacheCommands.publish({ type: 'invalidate', targets: ['/cdn/item'], fromEdge: 'edge-test', issuedAt: 0 });
    await edge.settle();
    expect((await request(`${edge.url}/cdn/item`)).headers['x-cache']).toBe('HIT');
    edge.bus.cacheCommands.publish({ type: 'invalidate', targets: ['/cdn/item'], fromEdge: 'other-edge', issuedAt: 0 });
    await edge.settle();
    expect((await request(`${edge.url}/cdn/item`)).headers['x-cache']).toBe('MISS');
  });

  it('answers a re-sent purge with the same receipt, without purging again', async () => {
    const { receipts } = await edgeWithOrigin();
    await request(`${edge.url}/cdn/page`);
    edge.bus.cacheCommands.publish(purge({ urls: ['/cdn/page'] }));
    await eventually(() => receipts.length === 1);
    await request(`${edge.url}/cdn/page`);
    edge.bus.cacheCommands.publish(purge({ urls: ['/cdn/page'], edges: ['edge-test'] }));
    await eventually(() => receipts.length === 2);
    expect(receipts[1]).toEqual(receipts[0]);
    // The entry cached after the first purge is still there: the repeat did not purge again.
    expect((await request(`${edge.url}/cdn/page`)).headers['x-cache']).toBe('HIT');
    expect(await edge.registry.metrics()).toContain('cdn_edge_cache_command_repeats_total{type="purge",result="answered_again"} 1');
  });

  it('ignores a re-send addressed to other edges', async () => {
    const { receipts } = await edgeWithOrigin();
    edge.bus.cacheCommands.publish(purge({ urls: ['/cdn/page'], edges: ['edge-other'] }));
    await edge.settle();
    await new Promise((r) => setTimeout(r, 50));
    expect(receipts).toEqual([]);
  });
});
