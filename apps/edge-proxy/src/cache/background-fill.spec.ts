import { afterEach, describe, expect, it } from 'vitest';
import { CacheReceipt, EDGE_EVENTS } from '@cdn/shared';
import { Origin, startOrigin } from '../../../../test/support/origin';
import { eventually } from '../../../../test/support/ports';
import { EdgeHarness, request, routeNode, startEdge } from '../../test/edge-harness';

let edge: EdgeHarness;
const origins: Origin[] = [];

afterEach(async () => {
  await edge?.close();
  await Promise.all(origins.splice(0).map((o) => o.close()));
});

/** A node that answers its first request with `first`, and every later one 503. */
async function failingAfterFirst(name: string, first: string): Promise<Origin> {
  const origin = await startOrigin(name, (_req, res, recorded) => {
    if (recorded.length > 1) return void res.writeHead(503).end('busy');
    res.writeHead(200, { 'cache-control': 'max-age=1, stale-while-revalidate=60', etag: '"v1"' });
    res.end(first);
  });
  origins.push(origin);
  return origin;
}

async function answering(name: string, body: string): Promise<Origin> {
  const origin = await startOrigin(name, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end(body);
  });
  origins.push(origin);
  return origin;
}

/** The passive-health figures of the edge's next report (a table change makes it report at once). */
async function nextReport() {
  await edge.bus.store.putSettings({ cacheEnabled: true });
  await edge.settle();
  return edge.reports.at(-1)!.nodes ?? {};
}

describe('background fills go through the dispatcher', () => {
  it('retries a background refresh that one node answers 503 on another, with the forwarding headers, and counts the failure', async () => {
    let time = 1_700_000_000_000;
    const failing = await failingAfterFirst('a-failing', 'v1');
    const alive = await answering('b-alive', 'v2');
    // random 0 picks a-failing first, as a client's request would.
    edge = await startEdge({ now: () => time, config: { lbStrategy: 'weighted' }, random: () => 0 });
    await edge.putNodes(routeNode('a-failing', failing.url), routeNode('b-alive', alive.url));
    expect((await request(`${edge.url}/cdn/page`)).body.toString()).toBe('v1');
    time += 2_000;

    const stale = await request(`${edge.url}/cdn/page`);
    expect(stale.headers['x-cache']).toBe('STALE');
    await eventually(async () => (await request(`${edge.url}/cdn/page`)).body.toString() === 'v2');

    expect(failing.requests).toHaveLength(2);
    expect(alive.requests).toHaveLength(1);
    // The refresh revalidates, and names the client it is for as a forwarded request would.
    expect(alive.requests[0].headers).toMatchObject({ 'if-none-match': '"v1"', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http' });
    const metrics = await edge.registry.metrics();
    expect(metrics).toContain('cdn_edge_retries_total{reason="HTTP 503"} 1');
    expect(metrics).toContain('cdn_edge_cache_background_refreshes_total{result="stored"} 1');
    expect((await nextReport())['a-failing']).toMatchObject({ failures: 1, lastError: 'HTTP 503' });
  });

  it('warms each URL on the node its queue is for, and no other: a failure is counted there and reported', async () => {
    const failing = await failingAfterFirst('a-failing', 'unused');
    const alive = await answering('b-alive', 'warm');
    edge = await startEdge({ config: { lbStrategy: 'weighted' }, random: () => 0 });
    await edge.putNodes(routeNode('a-failing', failing.url), routeNode('b-alive', alive.url));
    // The first answer of a-failing is spent, so that warming meets its 503s.
    await request(`${edge.url}/cdn/spent`);
    const receipts: CacheReceipt[] = [];
    edge.bus.onEvent((event, data) => {
      if (event === EDGE_EVENTS.receipt) receipts.push(data as CacheReceipt);
    });

    edge.bus.cacheCommands.publish({ type: 'warm', operationId: 'op-warm', urls: ['/cdn/w1'], issuedAt: 0 });
    await eventually(() => receipts.length === 1);

    expect(receipts[0]).toMatchObject({ applied: true, entriesAffected: 0, errors: ['GET /cdn/w1: node a-failing answered 503'] });
    expect(alive.requests).toHaveLength(0);
    expect(failing.requests.at(-1)!.headers).toMatchObject({ 'x-forwarded-proto': 'http' });
    expect(await edge.registry.metrics()).toContain('cdn_edge_cache_warm_fetches_total{result="error"} 1');
    expect((await nextReport())['a-failing']).toMatchObject({ failures: 1, lastError: 'HTTP 503' });
  });
});
