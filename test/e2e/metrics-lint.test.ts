/**
 * Every program's /metrics passes `promtool check metrics` (Debian's prometheus package): the all-in-one server,
 * the split control plane and edge, and an edge and an all-in-one server with --workers 2, whose primary
 * aggregates its workers. Each has
 * seen traffic first, so the per-node, per-edge and per-operation series are there to be checked too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { Origin, startCacheableOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { checkMetrics } from '../support/promtool';
import { Running, startApp, startNats, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

/** Misses, hits, an upload and a failed forward through `edge`, once its table routes to the origin. */
async function traffic(edge: string): Promise<void> {
  await eventually(async () => (await get(`${edge}/cdn/warm-up`)).status === 200, 10_000);
  for (const path of ['/cdn/a', '/cdn/a', '/cdn/b', '/cdn/missing?x=1']) await get(`${edge}${path}`);
  await post(`${edge}/cdn/upload`, { some: 'body' });
}

async function lint(url: string): Promise<{ status: number | null; problems: string; text: string }> {
  const answer = await get(`${url}/metrics`);
  expect(answer.status).toBe(200);
  return { ...checkMetrics(answer.text), text: answer.text };
}

describe('promtool check metrics on every program', () => {
  let origin: Origin;

  beforeAll(async () => {
    origin = await startCacheableOrigin('origin');
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('the all-in-one server', async () => {
    const app = await startApp('allInOne', ['--health-interval', '1']);
    await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 10 });
    await post(`${app.url}/register_node`, { id: 'down', url: 'http://127.0.0.1:9', location: 'Paris', capacity: 10 });
    await traffic(app.url);
    await post(`${app.url}/cache/purge`, { urls: ['/cdn/a'] });
    const { status, problems, text } = await lint(app.url);
    expect(problems).toBe('');
    expect(status).toBe(0);
    // The control plane's and the edge's metrics, and the process metrics, all on one endpoint.
    expect(text).toContain('cdn_cp_node_up{node="node1",location="Beijing"} 1');
    expect(text).toContain('cdn_edge_upstream_requests_total{node="node1",status_class="2xx"}');
    expect(text).toContain('cdn_cp_is_leader 1');
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).not.toMatch(/^nodejs_active_\w+_total/m);
  });

  describe('the split deployment', () => {
    let controlPlane: App;
    let edge: App;

    beforeAll(async () => {
      const nats = await startNats();
      controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--health-interval', '1']);
      edge = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a']);
      await post(`${controlPlane.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 10 });
      await traffic(edge.url);
      await eventually(async () => (await get(`${controlPlane.url}/metrics`)).text.includes('cdn_cp_edge_routing_lag{edge="edge-a"}'), 10_000);
    });

    it('the control plane', async () => {
      const { status, problems, text } = await lint(controlPlane.url);
      expect(problems).toBe('');
      expect(status).toBe(0);
      expect(text).toContain('cdn_cp_nats_connected 1');
      expect(text).toMatch(/^process_resident_memory_bytes /m);
      expect(text).not.toContain('cdn_cp_process_');
    });

    it('the edge', async () => {
      const { status, problems, text } = await lint(edge.url);
      expect(problems).toBe('');
      expect(status).toBe(0);
      expect(text).toContain('cdn_edge_nats_connected 1');
    });
  });

  it('an edge with --workers 2, aggregated by its primary', async () => {
    const nats = await startNats();
    const controlPlane = await startApp('controlPlane', ['--nats-url', nats.url]);
    const edge = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-w', '--workers', '2']);
    await post(`${controlPlane.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 10 });
    await traffic(edge.url);
    const { status, problems, text } = await lint(edge.url);
    expect(problems).toBe('');
    expect(status).toBe(0);
    expect(text).toContain('cdn_edge_worker_restarts_total');
    expect(text).toContain('cdn_edge_upstream_in_flight{node="node1"}');
  });

  it('the all-in-one server with --workers 2: its control plane in the primary, an edge in each worker', async () => {
    const app = await startApp('allInOne', ['--workers', '2']);
    await post(`${app.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 10 });
    await traffic(app.url);
    // Each worker has its own memory cache, and a connection lands on either: ask until one of them hits.
    const hit = /^cdn_edge_requests_total\{method="GET",status="200",cache="HIT"\} [1-9]/m;
    await eventually(async () => (await get(`${app.url}/cdn/a`)) && hit.test((await get(`${app.url}/metrics`)).text), 10_000, 50);
    const { status, problems, text } = await lint(app.url);
    expect(problems).toBe('');
    expect(status).toBe(0);
    expect(text).toContain('cdn_cp_node_up{node="node1",location="Beijing"} 1');
    expect(text).toMatch(hit);
  });
});
