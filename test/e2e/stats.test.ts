/**
 * GET /stats over real traffic: a real origin, the all-in-one server, then two edges and two control-plane
 * replicas over a real nats-server. Known requests (misses, hits, a 5xx from the origin, an upload, known body
 * sizes) must show as exact counts in total, per node and per edge, on every replica.
 */
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { get, post, request } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startNats, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

const FAIL_BODY = 'the origin failed on purpose';
const CREATED_BODY = 'created';
const UPLOAD = Buffer.alloc(3_000, 1);

/** /health 200; /fail 500; POST /upload 201 after reading the body; any other GET a cacheable body of the size in its name (/<n>.bin). */
function sizedOrigin(name: string): Promise<Origin> {
  return startOrigin(name, (req, res) => {
    const send = (status: number, body: string | Buffer, cacheControl = 'no-store') => {
      res.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(body), 'cache-control': cacheControl });
      res.end(body);
    };
    if (req.url === '/health') return send(200, 'ok');
    if (req.url === '/fail') return send(500, FAIL_BODY);
    if (req.method === 'POST') return void req.resume().on('end', () => send(201, CREATED_BODY));
    const size = Number(/\/(\d+)\.bin$/.exec(req.url ?? '')?.[1] ?? 0);
    send(200, Buffer.alloc(size, 7), 'max-age=300');
  });
}

/** Figures that add up across reports, as compared here. */
type Counts = { requests: number; hits: number; bytes_sent: number; bytes_received: number; errors: number };

const counts = (stats: Counts): Counts => ({ requests: stats.requests, hits: stats.hits, bytes_sent: stats.bytes_sent, bytes_received: stats.bytes_received, errors: stats.errors });

async function stats(app: App): Promise<any> {
  const answer = await get(`${app.url}/stats`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** Waits until `app` shows `requests` in its 1m total, i.e. every edge reported the traffic sent. */
async function statsOnceReported(app: App, requests: number): Promise<any> {
  await eventually(async () => (await stats(app)).windows['1m'].total.requests === requests, 10_000, 100);
  return stats(app);
}

/** Registers nodes and waits until every edge serves a table with all of them: no request below meets a table without them. */
async function registerAndWait(controlPlane: App, nodes: { id: string; url: string; location: string }[], edgeCount: number): Promise<void> {
  await eventually(async () => (await get(`${controlPlane.url}/edges`)).body.edges.length === edgeCount, 10_000);
  const before = (await get(`${controlPlane.url}/edges`)).body.revision as number;
  for (const node of nodes) expect((await post(`${controlPlane.url}/register_node`, { ...node, capacity: 100 })).status).toBe(200);
  await eventually(async () => {
    const { body } = await get(`${controlPlane.url}/edges`);
    return body.revision >= before + nodes.length && body.edges.every((edge: { revision: number }) => edge.revision === body.revision);
  }, 10_000);
}

async function fetchThrough(edge: App, path: string, location: string, expected: { status: number; cache: string; node: string }): Promise<void> {
  const answer = await request(`${edge.url}/cdn${path}`, { headers: { 'X-Client-Location': location } });
  expect({ status: answer.status, cache: answer.headers.get('x-cache'), node: answer.headers.get('x-cdn-node') }).toEqual(expected);
}

/** A POST of UPLOAD through node:http, so its body is sent exactly as given. */
function upload(edge: App, location: string): Promise<{ status: number; node: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${edge.url}/cdn/upload`, { method: 'POST', headers: { 'X-Client-Location': location, 'content-length': UPLOAD.length } }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode!, node: res.headers['x-cdn-node'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(UPLOAD);
  });
}

/** Latency percentiles are there, ordered and plausible for requests to a local origin. */
function expectPlausibleLatency(latency: { p50: number | null; p90: number | null; p99: number | null }): void {
  expect(latency.p50).toBeGreaterThan(0);
  expect(latency.p90).toBeGreaterThanOrEqual(latency.p50!);
  expect(latency.p99).toBeGreaterThanOrEqual(latency.p90!);
  expect(latency.p99).toBeLessThan(2_000);
}

afterAll(async () => {
  await stopAll();
});

describe('GET /stats on the all-in-one server', () => {
  let origin: Origin;

  afterAll(async () => {
    await origin?.close();
  });

  it('counts misses, hits, a 5xx, an upload and their bytes, in total, for the node and for the edge', async () => {
    origin = await sizedOrigin('origin');
    const app = await startApp('allInOne', ['--node-timeout', '60']);
    const empty = await stats(app);
    expect(empty.windows['1m'].total).toMatchObject({ requests: 0, hit_ratio: null, error_ratio: null, latency_ms: { p50: null, p90: null, p99: null } });
    await registerAndWait(app, [{ id: 'node1', url: origin.url, location: 'Beijing' }], 1);

    await fetchThrough(app, '/1024.bin', 'Beijing', { status: 200, cache: 'MISS', node: 'node1' });
    await fetchThrough(app, '/1024.bin', 'Beijing', { status: 200, cache: 'HIT', node: 'node1' });
    await fetchThrough(app, '/1024.bin', 'Beijing', { status: 200, cache: 'HIT', node: 'node1' });
    await fetchThrough(app, '/fail', 'Beijing', { status: 500, cache: 'MISS', node: 'node1' });
    expect(await upload(app, 'Beijing')).toEqual({ status: 201, node: 'node1' });

    const body = await statsOnceReported(app, 5);
    const expected: Counts = { requests: 5, hits: 2, bytes_sent: 3 * 1024 + FAIL_BODY.length + CREATED_BODY.length, bytes_received: UPLOAD.length, errors: 1 };
    for (const name of ['1m', '5m', '1h']) {
      const window = body.windows[name];
      expect(counts(window.total)).toEqual(expected);
      expect(Object.keys(window.nodes)).toEqual(['node1']);
      expect(counts(window.nodes.node1)).toEqual(expected);
      const edges = Object.values(window.edges) as Counts[];
      expect(edges.map(counts)).toEqual([expected]);
      expect(window.total.hit_ratio).toBe(0.4);
      expect(window.total.error_ratio).toBe(0.2);
      expect(window.total.requests_per_second).toBeGreaterThan(0);
      expectPlausibleLatency(window.total.latency_ms);
      expectPlausibleLatency(window.nodes.node1.latency_ms);
    }
    expect(body.series.interval_seconds).toBe(5);
    expect(body.series.points).toHaveLength(60);
    const points = body.series.points as { requests: number; hits: number; errors: number; bytes_sent: number }[];
    expect(points.reduce((sum, p) => sum + p.requests, 0)).toBe(5);
    expect(points.reduce((sum, p) => sum + p.bytes_sent, 0)).toBe(expected.bytes_sent);
  });
});

describe('GET /stats with two edges and two control-plane replicas over NATS', () => {
  let origins: Origin[] = [];

  afterAll(async () => {
    await Promise.all(origins.map((o) => o.close()));
  });

  it('counts every edge and node exactly, and every replica answers the same', async () => {
    const nats = await startNats();
    origins = [await sizedOrigin('beijing'), await sizedOrigin('paris')];
    const replicaArgs = (id: string) => ['--nats-url', nats.url, '--replica-id', id, '--node-timeout', '60'];
    const replicas = [await startApp('controlPlane', replicaArgs('cp-1')), await startApp('controlPlane', replicaArgs('cp-2'))];
    const [edgeA, edgeB] = [
      await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a']),
      await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-b']),
    ];
    await registerAndWait(
      replicas[0],
      [
        { id: 'node1', url: origins[0].url, location: 'Beijing' },
        { id: 'node2', url: origins[1].url, location: 'Paris' },
      ],
      2,
    );

    await fetchThrough(edgeA, '/1024.bin', 'Beijing', { status: 200, cache: 'MISS', node: 'node1' });
    await fetchThrough(edgeA, '/1024.bin', 'Beijing', { status: 200, cache: 'HIT', node: 'node1' });
    await fetchThrough(edgeA, '/1024.bin', 'Beijing', { status: 200, cache: 'HIT', node: 'node1' });
    await fetchThrough(edgeA, '/fail', 'Paris', { status: 500, cache: 'MISS', node: 'node2' });
    await fetchThrough(edgeB, '/2048.bin', 'Paris', { status: 200, cache: 'MISS', node: 'node2' });
    await fetchThrough(edgeB, '/2048.bin', 'Paris', { status: 200, cache: 'HIT', node: 'node2' });
    expect(await upload(edgeB, 'Beijing')).toEqual({ status: 201, node: 'node1' });

    const expected = {
      total: { requests: 7, hits: 3, bytes_sent: 3 * 1024 + FAIL_BODY.length + 2 * 2048 + CREATED_BODY.length, bytes_received: UPLOAD.length, errors: 1 },
      nodes: {
        node1: { requests: 4, hits: 2, bytes_sent: 3 * 1024 + CREATED_BODY.length, bytes_received: UPLOAD.length, errors: 0 },
        node2: { requests: 3, hits: 1, bytes_sent: FAIL_BODY.length + 2 * 2048, bytes_received: 0, errors: 1 },
      },
      edges: {
        'edge-a': { requests: 4, hits: 2, bytes_sent: 3 * 1024 + FAIL_BODY.length, bytes_received: 0, errors: 1 },
        'edge-b': { requests: 3, hits: 1, bytes_sent: 2 * 2048 + CREATED_BODY.length, bytes_received: UPLOAD.length, errors: 0 },
      },
    };
    for (const replica of replicas) {
      const body = await statsOnceReported(replica, 7);
      for (const name of ['1m', '5m', '1h']) {
        const window = body.windows[name];
        expect(counts(window.total)).toEqual(expected.total);
        expect({ node1: counts(window.nodes.node1), node2: counts(window.nodes.node2) }).toEqual(expected.nodes);
        expect(Object.keys(window.nodes).sort()).toEqual(['node1', 'node2']);
        expect({ 'edge-a': counts(window.edges['edge-a']), 'edge-b': counts(window.edges['edge-b']) }).toEqual(expected.edges);
        expect(window.total.hit_ratio).toBe(Math.round((3 / 7) * 10_000) / 10_000);
        expect(window.nodes.node1.hit_ratio).toBe(0.5);
        expect(window.edges['edge-a'].error_ratio).toBe(0.25);
        expect(window.edges['edge-b'].error_ratio).toBe(0);
        expectPlausibleLatency(window.total.latency_ms);
        for (const id of ['node1', 'node2']) expectPlausibleLatency(window.nodes[id].latency_ms);
        for (const id of ['edge-a', 'edge-b']) expectPlausibleLatency(window.edges[id].latency_ms);
      }
    }
  });
});
