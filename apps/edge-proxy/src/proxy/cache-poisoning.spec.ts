/**
 * Issue 8, hole 3: a client's forwarding headers are not in the cache key, so a node that varies on them
 * would let one client poison the cached page for everyone. The edge sets them itself.
 */
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Origin, startOrigin } from '../../../../test/support/origin';
import { EdgeHarness, request, routeNode, startEdge } from '../../test/edge-harness';

let edge: EdgeHarness;
let origin: Origin;

/** A node that builds its page from every header a client could forge, as frameworks do for absolute links. */
async function reflectingOrigin(cacheControl = 'max-age=60'): Promise<Origin> {
  return startOrigin('origin', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const h = req.headers;
    const page = `<a href="${h['x-forwarded-proto'] ?? 'http'}://${h['x-forwarded-host'] ?? h.host}/next">for ${h['x-forwarded-for']} ${h['x-real-ip'] ?? ''} ${h.forwarded ?? ''}</a>`;
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': cacheControl });
    res.end(page);
  });
}

afterEach(async () => {
  await edge?.close();
  await origin?.close();
});

const forgeries: Array<[string, Record<string, string>]> = [
  ['X-Forwarded-Host', { 'x-forwarded-host': 'evil.example' }],
  ['X-Forwarded-Proto', { 'x-forwarded-proto': 'evil' }],
  ['X-Forwarded-For', { 'x-forwarded-for': 'evil' }],
  ['X-Real-IP', { 'x-real-ip': 'evil' }],
  ['Forwarded', { forwarded: 'for=evil;host=evil.example;proto=https' }],
  ['Host', { host: 'evil.example' }],
];

describe('cache poisoning through forwarding headers', () => {
  it.each(forgeries)('a client cannot poison the cached page with %s', async (_, headers) => {
    origin = await reflectingOrigin();
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));

    const attack = await request(`${edge.url}/cdn/page`, { headers });
    const victim = await request(`${edge.url}/cdn/page`);

    expect(attack.headers['x-cache']).toBe('MISS');
    expect(victim.headers['x-cache']).toBe('HIT');
    expect(victim.body.toString()).not.toContain('evil');
    expect(JSON.stringify(origin.requests[0].headers)).not.toContain('evil');
    expect(origin.requests[0].headers).toMatchObject({ host: `127.0.0.1:${origin.port}`, 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http' });
  });

  it('counts and logs at DEBUG the requests whose forged forwarding headers were dropped', async () => {
    origin = await reflectingOrigin('no-store');
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', origin.url));
    await request(`${edge.url}/cdn/page`, { headers: { 'x-forwarded-host': 'evil.example' } });
    await request(`${edge.url}/cdn/page`);
    expect(await edge.registry.getSingleMetricAsString('cdn_edge_forged_forwarding_headers_total')).toContain('cdn_edge_forged_forwarding_headers_total 1');
    expect(edge.logs.filter((l) => l.msg.startsWith('Dropped the forwarding headers')).map((l) => l.level)).toEqual([20]);
  });

  it('a background refresh does not carry the forged headers of the client that set it off', async () => {
    origin = await reflectingOrigin('max-age=1, stale-while-revalidate=60');
    let clock = 1_000_000;
    edge = await startEdge({ now: () => clock });
    await edge.putNodes(routeNode('node1', origin.url));
    await request(`${edge.url}/cdn/page`);
    clock += 2_000;

    const stale = await request(`${edge.url}/cdn/page`, { headers: { 'x-forwarded-host': 'evil.example', connection: 'close' } });
    expect(stale.headers['x-cache']).toBe('STALE');
    await expectEventually(() => origin.requests.length === 2);
    expect(JSON.stringify(origin.requests[1].headers)).not.toContain('evil');
    expect(origin.requests[1].headers).toMatchObject({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http' });
  });

  it("keeps a trusted proxy's forwarding headers and appends the proxy to X-Forwarded-For", async () => {
    origin = await reflectingOrigin();
    edge = await startEdge({ config: { trustedProxies: ['127.0.0.0/8'] } });
    await edge.putNodes(routeNode('node1', origin.url));

    await request(`${edge.url}/cdn/page`, { headers: { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'www.example.com', 'x-real-ip': '198.51.100.7' } });

    expect(origin.requests[0].headers).toMatchObject({
      host: `127.0.0.1:${origin.port}`,
      'x-forwarded-for': '198.51.100.7, 127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'www.example.com',
      'x-real-ip': '198.51.100.7',
    });
  });

  it('appends a trusted proxy to X-Forwarded-For once, however many nodes are tried', async () => {
    const failing = await startOrigin('failing', (_req, res) => res.writeHead(503).end());
    origin = await reflectingOrigin('no-store');
    edge = await startEdge({ config: { trustedProxies: ['127.0.0.1'], lbStrategy: 'weighted' }, random: () => 0 });
    await edge.putNodes(routeNode('a-failing', failing.url, { capacity: 1000 }), routeNode('b-good', origin.url, { capacity: 1 }));
    const answer = await request(`${edge.url}/cdn/page`, { method: 'DELETE', headers: { 'x-forwarded-for': '198.51.100.7' } });
    await failing.close();
    expect(failing.requests).toHaveLength(1);
    expect(answer.headers['x-cdn-node']).toBe('b-good');
    expect(origin.requests[0].headers['x-forwarded-for']).toBe('198.51.100.7, 127.0.0.1');
  });
});

async function expectEventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}
