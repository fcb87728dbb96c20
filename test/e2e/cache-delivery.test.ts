/**
 * Delivery of cache operations in the split deployment, with every process real: a control plane and two
 * edges over a real nats-server, an edge killed before it can answer, a control plane restarted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, request } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startNats, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

describe('cache operations between real processes', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let controlPlane: App;
  let edgeA: App;
  let edgeB: App;
  let origin: Origin;

  beforeAll(async () => {
    nats = await startNats();
    origin = await startOrigin('origin', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'text/plain' });
      res.end('cached body');
    });
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--log-file', '-']);
    edgeA = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a', '--log-file', '-']);
    edgeB = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-b', '--log-file', '-']);
    await post(`${controlPlane.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${controlPlane.url}/edges`)).body.edges.filter((e: { status: string }) => e.status === 'live').length === 2, 10_000);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('a lost edge completes the operation and is named', async () => {
    await eventually(async () => (await get(`${edgeA.url}/cdn/page`)).status === 200, 5_000);
    expect((await get(`${edgeA.url}/cdn/page`)).headers.get('x-cache')).toBe('HIT');
    // Killed at once: the control plane still counts it live for a few seconds, so the purge expects it.
    await edgeB.stop('SIGKILL');
    const accepted = await post(`${controlPlane.url}/cache/purge`, { urls: ['/page'] });
    expect(accepted.status).toBe(202);
    const id = accepted.body.operation_id as string;
    expect((await get(`${controlPlane.url}/operations/${id}`)).body.expected_edges).toEqual(['edge-a', 'edge-b']);

    const done = await eventually(async () => {
      const { body } = await get(`${controlPlane.url}/operations/${id}`);
      return body.complete ? body : undefined;
    }, 20_000, 250);
    expect(done).toMatchObject({ pending_edges: [], lost_edges: ['edge-b'], receipts: [{ edge: 'edge-a', applied: true }] });
    expect((await get(`${edgeA.url}/cdn/page`)).headers.get('x-cache')).toBe('MISS');
  });

  it('an operation survives a control-plane restart', async () => {
    const accepted = await post(`${controlPlane.url}/cache/purge`, { tags: ['news'] });
    const id = accepted.body.operation_id as string;
    await eventually(async () => (await get(`${controlPlane.url}/operations/${id}`)).body.complete === true, 10_000);
    await controlPlane.stop('SIGTERM');
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--log-file', '-'], { port: controlPlane.port });
    // Requests made while it starts wait a moment, then get 503 not_ready: ask until it has started.
    const body = await eventually(async () => {
      const answer = await request(`${controlPlane.url}/operations/${id}`);
      return answer.status === 200 ? answer.body : undefined;
    }, 10_000);
    expect(body).toMatchObject({ operation_id: id, complete: true, receipts: [{ edge: 'edge-a' }] });
  });
});
