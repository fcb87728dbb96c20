import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../../../test/support/ports';
import { EdgeHarness, request, routeNode, startEdge } from '../../test/edge-harness';
import { useRedis } from '../../test/redis-fixture';

const redis = useRedis();

describe('shared tier metrics', () => {
  let edge: EdgeHarness;
  let origin: http.Server;
  afterEach(async () => {
    await edge?.close();
    origin?.closeAllConnections();
    origin?.close();
  });

  it('give the size of its Redis beside the memory tier, and time its operations', async () => {
    origin = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=60' });
      res.end('shared');
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    edge = await startEdge({ config: { cacheRedisUrl: redis.url } });
    await edge.putNodes(routeNode('node1', `http://127.0.0.1:${(origin.address() as AddressInfo).port}`));
    await eventually(async () => (await edge.registry.metrics()).includes('cdn_edge_cache_entries{tier="shared"}'), 5_000);
    for (const path of ['/cdn/a', '/cdn/b', '/cdn/c']) expect((await request(`${edge.url}${path}`)).status).toBe(200);
    // The fill reaches Redis after the answer: wait for its keys.
    await eventually(async () => (await redis.raw.dbSize()) >= 3, 5_000);
    const keys = await redis.raw.dbSize();
    const text = await edge.registry.metrics();
    expect(text).toContain(`cdn_edge_cache_entries{tier="shared"} ${keys}`);
    expect(text).toMatch(/cdn_edge_cache_bytes\{tier="shared"\} [1-9]\d*/);
    expect(text).toContain('cdn_edge_cache_entries{tier="memory"} 3');
    expect(text).toMatch(/cdn_edge_cache_shared_duration_seconds_count\{operation="get"\} [1-9]/);
    expect(text).toMatch(/cdn_edge_cache_shared_duration_seconds_count\{operation="set"\} [1-9]/);
  });
});
