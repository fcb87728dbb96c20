import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Origin, startOrigin } from '../../../../test/support/origin';
import { EdgeHarness, request, routeNode, startEdge } from '../../test/edge-harness';

let edge: EdgeHarness;
const origins: Origin[] = [];

/** An origin answering every request with this status, headers and body, counting the requests. */
async function originAnswering(headers: http.OutgoingHttpHeaders, body: string | Buffer = 'content', status = 200): Promise<Origin> {
  const origin = await startOrigin('node1', (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  });
  origins.push(origin);
  return origin;
}

afterEach(async () => {
  await edge?.close();
  await Promise.all(origins.splice(0).map((o) => o.close()));
});

describe('memory cache', () => {
  it('answers a repeated GET from memory: MISS, then HIT with the node that produced it and an Age', async () => {
    let time = 1_700_000_000_000;
    const origin = await originAnswering({ 'content-type': 'text/css', etag: '"v1"' }, 'body { color: red }');
    edge = await startEdge({ now: () => time });
    await edge.putNodes(routeNode('node1', origin.url));

    const first = await request(`${edge.url}/cdn/site.css?v=1`);
    time += 5_000;
    const second = await request(`${edge.url}/cdn/site.css?v=1`);

    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers['x-cdn-node']).toBe('node1');
    expect(second.headers.age).toBe('5');
    expect(second.headers['content-type']).toBe('text/css');
    expect(second.headers.etag).toBe('"v1"');
    expect(second.body.toString()).toBe('body { color: red }');
    expect(origin.requests).toHaveLength(1);
    await edge.settle();
    expect(edge.logs.map((l) => l.msg).filter((m) => m.startsWith('GET /cdn/site.css?v=1 200 HIT node1 response_time '))).toHaveLength(1);
  });

  it('keys on the query string too', async () => {
    const origin = await originAnswering({ 'content-type': 'text/plain' });
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));
    await request(`${edge.url}/cdn/a?v=1`);
    expect((await request(`${edge.url}/cdn/a?v=2`)).headers['x-cache']).toBe('MISS');
  });

  it('forgets an entry after --cache-time seconds', async () => {
    let time = 1_700_000_000_000;
    const origin = await originAnswering({ 'content-type': 'text/plain' });
    edge = await startEdge({ now: () => time, config: { cacheTime: 10 } });
    await edge.putNodes(routeNode('node1', origin.url));

    await request(`${edge.url}/cdn/a`);
    time += 10_001;

    expect((await request(`${edge.url}/cdn/a`)).headers['x-cache']).toBe('MISS');
    expect(origin.requests).toHaveLength(2);
  });

  it.each([
    ['Cache-Control: no-store', { 'cache-control': 'no-store' }],
    ['Cache-Control: private', { 'cache-control': 'private' }],
    ['Set-Cookie', { 'set-cookie': 'session=1' }],
  ])('does not store an answer with %s', async (_name, headers) => {
    const origin = await originAnswering(headers);
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));

    await request(`${edge.url}/cdn/a`);
    const second = await request(`${edge.url}/cdn/a`);

    expect(second.headers['x-cache']).toBe('MISS');
    expect(origin.requests).toHaveLength(2);
  });

  it('does not store server errors', async () => {
    const origin = await originAnswering({ 'content-type': 'text/plain' }, 'broken', 500);
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));
    await request(`${edge.url}/cdn/a`);
    expect((await request(`${edge.url}/cdn/a`)).status).toBe(500);
    expect(origin.requests).toHaveLength(2);
  });

  it('keeps a 404 for the default TTL, as a status cacheable by default (RFC 9110 §15.1)', async () => {
    const origin = await originAnswering({ 'content-type': 'text/plain' }, 'gone', 404);
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));
    await request(`${edge.url}/cdn/a`);
    const second = await request(`${edge.url}/cdn/a`);
    expect(second.status).toBe(404);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(origin.requests).toHaveLength(1);
  });

  it('bypasses the cache for other methods', async () => {
    const origin = await originAnswering({ 'content-type': 'text/plain' });
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));
    await request(`${edge.url}/cdn/a`);
    const post = await request(`${edge.url}/cdn/a`, { method: 'POST', body: 'x' });
    expect(post.headers['x-cache']).toBe('BYPASS');
    expect(origin.requests).toHaveLength(2);
  });

  it('bypasses and empties the cache when the control plane switches it off', async () => {
    const origin = await originAnswering({ 'content-type': 'text/plain' });
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));
    await request(`${edge.url}/cdn/a`);
    expect((await request(`${edge.url}/cdn/a`)).headers['x-cache']).toBe('HIT');

    await edge.bus.store.putSettings({ cacheEnabled: false });
    await edge.settle();
    const off = await request(`${edge.url}/cdn/a`);

    expect(off.headers['x-cache']).toBe('BYPASS');
    expect(edge.logs.some((l) => l.msg.startsWith('Cache disabled by the control plane; 1 cached entries dropped'))).toBe(true);
    await edge.bus.store.putSettings({ cacheEnabled: true });
    await edge.settle();
    // Switched back on, it starts empty: nothing stale from before is served.
    expect((await request(`${edge.url}/cdn/a`)).headers['x-cache']).toBe('MISS');
    expect(origin.requests).toHaveLength(3);
  });

  it('stays off with --disable-cache whatever the control plane says', async () => {
    const origin = await originAnswering({ 'content-type': 'text/plain' });
    edge = await startEdge({ config: { cacheEnabled: false } });
    await edge.putNodes(routeNode('node1', origin.url));
    await request(`${edge.url}/cdn/a`);
    expect((await request(`${edge.url}/cdn/a`)).headers['x-cache']).toBe('BYPASS');
    expect(origin.requests).toHaveLength(2);
  });

  it.each([
    ['with a Content-Length', true],
    ['streamed without a length', false],
  ])('streams an object over 8 MiB through uncached (%s)', async (_name, withLength) => {
    const big = Buffer.alloc(8 * 1024 * 1024 + 1, 'a');
    const origin = await startOrigin('node1', (_req, res) => {
      res.writeHead(200, withLength ? { 'content-length': String(big.length) } : {});
      res.end(big);
    });
    origins.push(origin);
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));

    const first = await request(`${edge.url}/cdn/big`);
    const second = await request(`${edge.url}/cdn/big`);

    expect(first.body.length).toBe(big.length);
    expect(second.headers['x-cache']).toBe('MISS');
    expect(origin.requests).toHaveLength(2);
    expect(await edge.registry.metrics()).toContain('cdn_edge_cache_entries{tier="memory"} 0');
  });

  it('exposes its size as metrics', async () => {
    const origin = await originAnswering({ 'content-type': 'text/plain' }, 'x'.repeat(1000));
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));
    await request(`${edge.url}/cdn/a`);
    await request(`${edge.url}/cdn/a`);
    const metrics = await edge.registry.metrics();
    expect(metrics).toContain('cdn_edge_cache_entries{tier="memory"} 1');
    expect(metrics).toMatch(/cdn_edge_cache_bytes\{tier="memory"\} \d{4}/);
    expect(metrics).toContain('cdn_edge_requests_total{method="GET",status="200",cache="HIT"} 1');
    expect(metrics).toContain('cdn_edge_requests_total{method="GET",status="200",cache="MISS"} 1');
  });
});
