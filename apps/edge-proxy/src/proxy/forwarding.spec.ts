import { afterEach, describe, expect, it } from 'vitest';
import { Origin, startOrigin } from '../../../../test/support/origin';
import { EdgeHarness, request, routeNode, startEdge } from '../../test/edge-harness';

let edge: EdgeHarness;
const origins: Origin[] = [];

async function origin(name: string): Promise<Origin> {
  const started = await startOrigin(name);
  origins.push(started);
  return started;
}

afterEach(async () => {
  await edge?.close();
  await Promise.all(origins.splice(0).map((o) => o.close()));
});

describe('forwarding', () => {
  it.each(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('forwards %s with its path, query and body to the node URL and base path', async (method) => {
    const node = await origin('node1');
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', `${node.url}/base`));
    const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method);

    const answer = await request(`${edge.url}/cdn/dir/file.txt?a=1&b=two`, {
      method,
      headers: hasBody ? { 'content-type': 'application/json' } : {},
      body: hasBody ? '{"hello":"world"}' : undefined,
    });

    expect(answer.status).toBe(200);
    expect(answer.headers['x-cdn-node']).toBe('node1');
    // GET and HEAD look in the cache (and miss here); other methods bypass it.
    expect(answer.headers['x-cache']).toBe(method === 'GET' || method === 'HEAD' ? 'MISS' : 'BYPASS');
    expect(node.requests).toHaveLength(1);
    const seen = node.requests[0];
    expect(seen.method).toBe(method);
    expect(seen.url).toBe('/base/dir/file.txt?a=1&b=two');
    expect(seen.body.toString()).toBe(hasBody ? '{"hello":"world"}' : '');
    // changeOrigin and xfwd: the node sees its own host and who the client was.
    expect(seen.headers.host).toBe(`127.0.0.1:${node.port}`);
    expect(seen.headers['x-forwarded-for']).toContain('127.0.0.1');
    if (method !== 'HEAD') expect(answer.json()).toMatchObject({ origin: 'node1', method });
  });

  it('reuses a pooled keep-alive connection to the node, whatever Connection header the client sends', async () => {
    const ports: number[] = [];
    const node = await startOrigin('node1', (req, res) => {
      ports.push(req.socket.remotePort!);
      res.end('ok');
    });
    origins.push(node);
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', node.url));

    await request(`${edge.url}/cdn/a`, { method: 'POST', headers: { connection: 'close' } });
    await request(`${edge.url}/cdn/b`, { method: 'POST' });

    expect(ports).toHaveLength(2);
    expect(ports[1]).toBe(ports[0]);
  });

  it('forwards /cdn/ itself to the root of the node', async () => {
    const node = await origin('node1');
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', node.url));
    await request(`${edge.url}/cdn/?q=1`);
    expect(node.requests[0].url).toBe('/?q=1');
  });

  it('prefers nodes in the client location given by X-Client-Location', async () => {
    const us = await origin('us');
    const eu = await origin('eu');
    edge = await startEdge({ random: () => 0 });
    // The US node is first and far larger: without the header it is the choice.
    await edge.putNodes(routeNode('a-us', us.url, { location: 'us-east', capacity: 1000 }), routeNode('b-eu', eu.url, { location: 'eu-west', capacity: 1 }));

    const local = await request(`${edge.url}/cdn/x`, { headers: { 'x-client-location': 'eu-west' } });
    const anywhere = await request(`${edge.url}/cdn/y`);

    expect(local.headers['x-cdn-node']).toBe('b-eu');
    expect(anywhere.headers['x-cdn-node']).toBe('a-us');
  });

  it('weights the choice by capacity', async () => {
    const small = await origin('small');
    const large = await origin('large');
    let next = 0;
    edge = await startEdge({ random: () => next, config: { lbStrategy: 'weighted' } });
    await edge.putNodes(routeNode('a-small', small.url, { capacity: 10 }), routeNode('b-large', large.url, { capacity: 90 }));

    next = 0.05;
    expect((await request(`${edge.url}/cdn/1`)).headers['x-cdn-node']).toBe('a-small');
    next = 0.5;
    expect((await request(`${edge.url}/cdn/2`)).headers['x-cdn-node']).toBe('b-large');
  });

  it('without panic routing, never sends to an inactive node and answers 503 no_active_node when none is left', async () => {
    const node = await origin('node1');
    edge = await startEdge({ config: { panicRouting: false } });
    await edge.putNodes(routeNode('node1', node.url, { status: 'inactive' }));

    const answer = await request(`${edge.url}/cdn/x`);

    expect(answer.status).toBe(503);
    expect(answer.json()).toMatchObject({ error: 'no_active_node' });
    expect(node.requests).toHaveLength(0);
  });

  it('in panic, when no node is active, tries the unhealthy ones rather than answer 503', async () => {
    const node = await origin('node1');
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', node.url, { status: 'inactive' }));

    const answer = await request(`${edge.url}/cdn/x`);

    expect(answer.status).toBe(200);
    expect(answer.headers['x-cdn-node']).toBe('node1');
  });

  it('never sends new requests to a draining node while another is active', async () => {
    const draining = await origin('draining');
    const active = await origin('active');
    edge = await startEdge();
    await edge.putNodes(routeNode('a-draining', draining.url, { status: 'draining', capacity: 1000 }), routeNode('b-active', active.url));
    for (let i = 0; i < 20; i++) expect((await request(`${edge.url}/cdn/d${i}`)).headers['x-cdn-node']).toBe('b-active');
    expect(draining.requests).toHaveLength(0);
  });

  it('answers 503 not_ready before any routing table arrived', async () => {
    edge = await startEdge({ start: false });
    const answer = await request(`${edge.url}/cdn/x`);
    expect(answer.status).toBe(503);
    expect(answer.json()).toMatchObject({ error: 'not_ready' });
  });

  it('follows table changes: a removed node gets no more traffic', async () => {
    const first = await origin('first');
    const second = await origin('second');
    edge = await startEdge();
    await edge.putNodes(routeNode('first', first.url));
    expect((await request(`${edge.url}/cdn/a`, { method: 'POST' })).headers['x-cdn-node']).toBe('first');

    await edge.putNodes(routeNode('second', second.url));
    await edge.bus.store.deleteNode('first');
    await edge.settle();

    expect((await request(`${edge.url}/cdn/a`, { method: 'POST' })).headers['x-cdn-node']).toBe('second');
    expect(edge.logs.map((l) => l.msg)).toContain('Applied routing revision 3: 1 nodes, 1 active');
  });

  it('logs one Forwarding line per forwarded request and an access line ending with the response time', async () => {
    const node = await origin('node1');
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', node.url));

    await request(`${edge.url}/cdn/logo.png?v=3`, { method: 'PUT', body: 'x' });
    await edge.settle();

    const messages = edge.logs.map((l) => l.msg);
    expect(messages.filter((m) => m.includes('Forwarding'))).toEqual(['Forwarding PUT /cdn/logo.png?v=3 to node1']);
    const access = messages.filter((m) => m.includes('response_time'));
    expect(access).toHaveLength(1);
    expect(access[0]).toMatch(/^PUT \/cdn\/logo\.png\?v=3 200 BYPASS node1 response_time \d+\.\d{3}$/);
    expect(Number(access[0].split(/\s+/).at(-1))).toBeGreaterThan(0);
  });

  it('reports the applied revision to the control plane, then periodically', async () => {
    const node = await origin('node1');
    edge = await startEdge({ reportIntervalMs: 20 });
    await edge.putNodes(routeNode('node1', node.url));
    await edge.settle();

    const last = edge.reports.at(-1)!;
    expect(last).toMatchObject({ edgeId: 'edge-test', revision: 1 });
    expect(last.startedAt).toBeLessThanOrEqual(last.reportedAt);
    const count = edge.reports.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(edge.reports.length).toBeGreaterThan(count);
  });
});
