import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Origin, startOrigin } from '../../../../test/support/origin';
import { eventually, freePort } from '../../../../test/support/ports';
import { EdgeHarness, request, routeNode, startEdge } from '../../test/edge-harness';

let edge: EdgeHarness;
const origins: Origin[] = [];

afterEach(async () => {
  await edge?.close();
  await Promise.all(origins.splice(0).map((o) => o.close()));
});

describe('upstream failures', () => {
  it('answers 502 upstream_unreachable when the node refuses the connection, and logs why at ERROR', async () => {
    const deadPort = await freePort();
    edge = await startEdge();
    await edge.putNodes(routeNode('node1', `http://127.0.0.1:${deadPort}`));

    const answer = await request(`${edge.url}/cdn/app.js?v=1`);

    expect(answer.status).toBe(502);
    expect(answer.json()).toMatchObject({ error: 'upstream_unreachable' });
    const errors = edge.logs.filter((l) => l.level === 50).map((l) => l.msg);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Failed to forward request');
    expect(errors[0]).toContain('GET /cdn/app.js?v=1');
    expect(errors[0]).toContain('node1');
    expect(errors[0]).toContain('ECONNREFUSED');
    const metrics = await edge.registry.metrics();
    expect(metrics).toContain('cdn_edge_upstream_errors_total{node="node1",code="ECONNREFUSED"} 1');
  });

  it('answers 504 upstream_timeout when the node sends no response within --upstream-timeout', async () => {
    const silent = await startOrigin('silent', () => undefined);
    origins.push(silent);
    edge = await startEdge({ config: { upstreamTimeout: 1 } });
    await edge.putNodes(routeNode('slow', silent.url));

    const started = Date.now();
    const answer = await request(`${edge.url}/cdn/slow`);

    expect(answer.status).toBe(504);
    expect(answer.json()).toMatchObject({ error: 'upstream_timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(edge.logs.some((l) => l.level === 50 && l.msg.includes('Failed to forward request GET /cdn/slow to slow'))).toBe(true);
  });

  it('aborts the client response when the node dies mid-body instead of leaving it hanging', async () => {
    const dying = await startOrigin('dying', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(1024 * 1024) });
      res.write(Buffer.alloc(64 * 1024));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    origins.push(dying);
    edge = await startEdge();
    await edge.putNodes(routeNode('dying', dying.url));

    const outcome = await new Promise<string>((resolve) => {
      const req = http.get(`${edge.url}/cdn/big.bin`, { agent: false }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve('ended'));
        res.on('error', () => resolve('aborted'));
        res.on('aborted', () => resolve('aborted'));
      });
      req.on('error', () => resolve('aborted'));
      setTimeout(() => resolve('hanging'), 5_000);
    });

    expect(outcome).toBe('aborted');
    // A truncated body must never be cached as if whole.
    const again = await request(`${edge.url}/cdn/big.bin`).catch(() => undefined);
    expect(again?.headers['x-cache']).not.toBe('HIT');
  });

  it('aborts the request to the node when the client goes away', async () => {
    let upstreamClosed = false;
    const slow = await startOrigin('slow', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('tick\n'), 20);
      res.on('close', () => {
        clearInterval(timer);
        upstreamClosed = true;
      });
    });
    origins.push(slow);
    edge = await startEdge();
    await edge.putNodes(routeNode('slow', slow.url));

    await new Promise<void>((resolve) => {
      const req = http.get(`${edge.url}/cdn/stream`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });

    await eventually(() => upstreamClosed, 3_000);
  });
});
