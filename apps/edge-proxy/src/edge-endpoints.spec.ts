import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Origin, startOrigin } from '../../../test/support/origin';
import { EdgeHarness, request, routeNode, startEdge } from '../test/edge-harness';

let edge: EdgeHarness;
const origins: Origin[] = [];

afterEach(async () => {
  await edge?.close();
  await Promise.all(origins.splice(0).map((o) => o.close()));
});

/** Sends raw bytes and returns the raw answer (for request lines no HTTP client will write). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, 1_000);
  });
}

describe('edge endpoints', () => {
  it('/healthz answers ok', async () => {
    edge = await startEdge({ start: false });
    const answer = await request(`${edge.url}/healthz`);
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 503 not_ready until a table is applied, then names its revision', async () => {
    edge = await startEdge({ start: false });
    const before = await request(`${edge.url}/readyz`);
    expect(before.status).toBe(503);
    expect(before.json()).toMatchObject({ error: 'not_ready' });

    await edge.edge.start();
    await edge.putNodes(routeNode('node1', 'http://127.0.0.1:9'));
    const after = await request(`${edge.url}/readyz`);
    expect(after.status).toBe(200);
    expect(after.json()).toEqual({ status: 'ready', revision: 1, table: 'live' });
  });

  it('/metrics exposes the cdn_edge_ metrics', async () => {
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', 'http://127.0.0.1:9'));
    const answer = await request(`${edge.url}/metrics`);
    const text = answer.body.toString();
    expect(answer.status).toBe(200);
    for (const name of [
      'cdn_edge_requests_total',
      'cdn_edge_request_duration_seconds',
      'cdn_edge_upstream_errors_total',
      'cdn_edge_routing_revision 1',
      'cdn_edge_routing_tables_applied_total 2',
      'cdn_edge_cache_entries',
      'cdn_edge_cache_bytes',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain('process_cpu');
  });

  it.each(['/', '/cdn', '/nodes', '/cdnx/a'])('answers %s with a JSON 404', async (path) => {
    edge = await startEdge();
    const answer = await request(`${edge.url}${path}`);
    expect(answer.status).toBe(404);
    expect(answer.json()).toMatchObject({ error: 'not_found' });
  });

  it('never proxies an absolute-form request URI', async () => {
    const origin = await startOrigin('node1');
    origins.push(origin);
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));

    const answer = await raw(edge.port, `GET http://127.0.0.1:${origin.port}/cdn/x HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nConnection: close\r\n\r\n`);

    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('"error":"not_found"');
    expect(origin.requests).toHaveLength(0);
  });

  it('answers 414 uri_too_long for a URL over 8 KiB', async () => {
    const origin = await startOrigin('node1');
    origins.push(origin);
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));

    const answer = await request(`${edge.url}/cdn/${'a'.repeat(8 * 1024)}`);

    expect(answer.status).toBe(414);
    expect(answer.json()).toMatchObject({ error: 'uri_too_long' });
    expect(origin.requests).toHaveLength(0);
  });
});
