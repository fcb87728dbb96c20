import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeHarness, request, routeNode, startEdge } from '../../test/edge-harness';

/** The edge counts a request when its response closes, which may come just after the client has read it all. */
async function closed(edge: EdgeHarness): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  await edge.settle();
}

/** The value of one series in a Prometheus exposition, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const servers: http.Server[] = [];
async function node(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const BODY = 'x'.repeat(1000);
const cacheable: http.RequestListener = (req, res) => {
  req.resume();
  const status = req.url?.startsWith('/missing') ? 404 : 200;
  res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=60', 'content-length': BODY.length });
  res.end(BODY);
};

describe('edge traffic metrics', () => {
  let edge: EdgeHarness;
  afterEach(async () => {
    await edge?.close();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });

  it('counts the body bytes sent by X-Cache and the request body bytes received', async () => {
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', await node(cacheable)));
    await request(`${edge.url}/cdn/a`);
    await request(`${edge.url}/cdn/a`);
    await request(`${edge.url}/cdn/a`);
    await request(`${edge.url}/cdn/upload`, { method: 'POST', body: Buffer.alloc(12_345, 1) });
    await closed(edge);
    const text = await edge.registry.metrics();
    expect(sample(text, 'cdn_edge_sent_bytes_total{cache="MISS"}')).toBe(1000);
    expect(sample(text, 'cdn_edge_sent_bytes_total{cache="HIT"}')).toBe(2000);
    expect(sample(text, 'cdn_edge_sent_bytes_total{cache="BYPASS"}')).toBe(1000);
    expect(sample(text, 'cdn_edge_received_bytes_total')).toBe(12_345);
  });

  it('counts no body for HEAD, whatever the answer wrote', async () => {
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', await node(cacheable)));
    await request(`${edge.url}/cdn/a`);
    await request(`${edge.url}/cdn/a`, { method: 'HEAD' });
    await request(`${edge.url}/cdn/nothing`, { method: 'HEAD', headers: { 'cache-control': 'only-if-cached' } });
    await closed(edge);
    const text = await edge.registry.metrics();
    expect(sample(text, 'cdn_edge_requests_total{method="HEAD",status="200",cache="HIT"}')).toBe(1);
    expect(sample(text, 'cdn_edge_sent_bytes_total{cache="HIT"}') ?? 0).toBe(0);
    expect(sample(text, 'cdn_edge_sent_bytes_total{cache="MISS"}')).toBe(1000);
  });

  it('counts JSON error bodies as sent', async () => {
    edge = await startEdge();
    const answer = await request(`${edge.url}/cdn/nothing-routes-here`);
    expect(answer.status).toBe(503);
    await closed(edge);
    const text = await edge.registry.metrics();
    // A cacheable request that no node could answer is a MISS.
    expect(sample(text, 'cdn_edge_sent_bytes_total{cache="MISS"}')).toBe(answer.body.length);
  });

  it('counts each node\'s answers by status class and times them', async () => {
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', await node(cacheable)));
    await request(`${edge.url}/cdn/a`);
    await request(`${edge.url}/cdn/missing`);
    await request(`${edge.url}/cdn/a`);
    const text = await edge.registry.metrics();
    expect(sample(text, 'cdn_edge_upstream_requests_total{node="node1",status_class="2xx"}')).toBe(1);
    expect(sample(text, 'cdn_edge_upstream_requests_total{node="node1",status_class="4xx"}')).toBe(1);
    expect(sample(text, 'cdn_edge_upstream_duration_seconds_count{node="node1"}')).toBe(2);
    expect(sample(text, 'cdn_edge_upstream_in_flight{node="node1"}')).toBe(0);
  });

  it('shows the requests in flight to a node while it has not answered', async () => {
    const waiting: http.ServerResponse[] = [];
    edge = await startEdge();
    await edge.putNodes(routeNode('slow', await node((_req, res) => void waiting.push(res))));
    const pending = request(`${edge.url}/cdn/slow`);
    for (let i = 0; i < 100 && waiting.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sample(await edge.registry.metrics(), 'cdn_edge_upstream_in_flight{node="slow"}')).toBe(1);
    waiting[0].end('ok');
    await pending;
    expect(sample(await edge.registry.metrics(), 'cdn_edge_upstream_in_flight{node="slow"}')).toBe(0);
  });

  it('drops the series of a node that left the routing table', async () => {
    edge = await startEdge();
    await edge.putNodes(routeNode('dead', 'http://127.0.0.1:9'));
    await request(`${edge.url}/cdn/a`);
    expect(await edge.registry.metrics()).toContain('cdn_edge_upstream_errors_total{node="dead",code="ECONNREFUSED"} 1');

    await edge.putNodes(routeNode('gone', await node(cacheable)));
    await edge.bus.store.deleteNode('dead');
    await edge.settle();
    expect((await request(`${edge.url}/cdn/b`)).status).toBe(200);
    let text = await edge.registry.metrics();
    expect(text).not.toContain('node="dead"');
    expect(text).toContain('cdn_edge_upstream_requests_total{node="gone",status_class="2xx"} 1');

    await edge.bus.store.deleteNode('gone');
    await edge.settle();
    text = await edge.registry.metrics();
    expect(text).not.toContain('node="gone"');
  });

  it('says how long ago the routing table was applied', async () => {
    let clock = 1_000_000;
    edge = await startEdge({ now: () => clock });
    await edge.putNodes(routeNode('node1', 'http://127.0.0.1:9'));
    clock += 42_000;
    expect(sample(await edge.registry.metrics(), 'cdn_edge_routing_last_update_age_seconds')).toBe(42);
  });
});
