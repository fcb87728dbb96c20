import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Origin, startOrigin } from '../../../../test/support/origin';
import { EdgeHarness, request, routeNode, startEdge } from '../../test/edge-harness';

let edge: EdgeHarness;
const origins: Origin[] = [];

async function origin(name: string, handler?: Parameters<typeof startOrigin>[1]): Promise<Origin> {
  const started = await startOrigin(name, handler);
  origins.push(started);
  return started;
}

/** A node address where nothing listens. */
const DEAD = 'http://127.0.0.1:1';

afterEach(async () => {
  await edge?.close();
  await Promise.all(origins.splice(0).map((o) => o.close()));
});

describe('failover', () => {
  it('retries a GET on another node when the first refuses the connection', async () => {
    const alive = await origin('alive');
    edge = await startEdge({ config: { lbStrategy: 'weighted' }, random: () => 0 });
    await edge.putNodes(routeNode('a-dead', DEAD), routeNode('b-alive', alive.url));
    const answer = await request(`${edge.url}/cdn/x`);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-cdn-node']).toBe('b-alive');
    expect(edge.logs.some((l) => /Failed to forward request GET \/cdn\/x to a-dead: ECONNREFUSED; retrying/.test(l.msg))).toBe(true);
    expect(edge.logs.some((l) => /Retrying GET \/cdn\/x on b-alive after a-dead failed: ECONNREFUSED/.test(l.msg))).toBe(true);
  });

  it('retries an idempotent request answered 503, and the client never sees the 503', async () => {
    const failing = await origin('failing', (_req, res) => {
      res.writeHead(503);
      res.end('busy');
    });
    const alive = await origin('alive');
    edge = await startEdge({ config: { lbStrategy: 'weighted' }, random: () => 0 });
    await edge.putNodes(routeNode('a-failing', failing.url), routeNode('b-alive', alive.url));
    const answer = await request(`${edge.url}/cdn/put-me`, { method: 'PUT', body: 'payload' });
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ origin: 'alive', method: 'PUT', body: 'payload' });
  });

  it('retries a POST only when the connection failed before anything was sent', async () => {
    const failing = await origin('failing', (req, res) => {
      req.resume();
      res.writeHead(503);
      res.end('busy');
    });
    const alive = await origin('alive');
    edge = await startEdge({ config: { lbStrategy: 'weighted' }, random: () => 0 });
    await edge.putNodes(routeNode('a-dead', DEAD), routeNode('b-alive', alive.url));
    const refused = await request(`${edge.url}/cdn/post`, { method: 'POST', body: '{"n":1}', headers: { 'content-type': 'application/json' } });
    expect(refused.json()).toMatchObject({ origin: 'alive', body: '{"n":1}' });

    await edge.putNodes(routeNode('a-dead', failing.url));
    const answered = await request(`${edge.url}/cdn/post`, { method: 'POST', body: '{"n":2}', headers: { 'content-type': 'application/json' } });
    expect(answered.status).toBe(503);
    expect(alive.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('gives up after --retries further nodes and answers 502', async () => {
    edge = await startEdge({ config: { retries: 1, lbStrategy: 'weighted' } });
    await edge.putNodes(routeNode('a', DEAD), routeNode('b', 'http://127.0.0.1:2'), routeNode('c', 'http://127.0.0.1:3'));
    const answer = await request(`${edge.url}/cdn/x`);
    expect(answer.status).toBe(502);
    expect(edge.logs.filter((l) => l.msg.startsWith('Retrying'))).toHaveLength(1);
  });

  it('ejects a failing node from its own rotation after repeated failures, and reports it', async () => {
    const alive = await origin('alive');
    edge = await startEdge({ config: { lbStrategy: 'weighted' }, random: () => 0 });
    await edge.putNodes(routeNode('a-dead', DEAD), routeNode('b-alive', alive.url));
    for (let i = 0; i < 3; i++) await request(`${edge.url}/cdn/${i}`);
    expect(edge.logs.some((l) => /Node a-dead ejected from this edge for 5 s/.test(l.msg))).toBe(true);
    const before = edge.logs.filter((l) => l.msg.startsWith('Retrying')).length;
    for (let i = 0; i < 5; i++) expect((await request(`${edge.url}/cdn/after-${i}`)).headers['x-cdn-node']).toBe('b-alive');
    expect(edge.logs.filter((l) => l.msg.startsWith('Retrying')).length).toBe(before);
    await edge.bus.store.putSettings({ cacheEnabled: true });
    await edge.settle();
    const report = edge.reports.at(-1)!;
    expect(report.nodes?.['a-dead']).toMatchObject({ ejected: true });
  });

  it('counts requests in flight per node in its reports', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = await origin('slow', (_req, res) => {
      held.then(() => res.end('done'));
    });
    edge = await startEdge();
    await edge.putNodes(routeNode('slow', slow.url));
    const pending = new Promise<void>((resolve) => http.get(`${edge.url}/cdn/slow`, (res) => res.resume().on('end', resolve)));
    await new Promise((r) => setTimeout(r, 100));
    await edge.bus.store.putSettings({ cacheEnabled: true });
    await edge.settle();
    expect(edge.reports.at(-1)!.nodes?.slow).toMatchObject({ inFlight: 1 });
    release();
    await pending;
  });
});
