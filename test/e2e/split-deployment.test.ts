/**
 * The split deployment: a real nats-server with JetStream, the control plane and two edges as separate processes.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, request } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startNats, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

let probes = 0;
/** A path no earlier request used, so the edge's cache cannot answer it. */
const fresh = (path: string) => `${path}?probe=${++probes}`;

async function revisionOf(edge: App): Promise<number | undefined> {
  const ready = await get(`${edge.url}/readyz`).catch(() => undefined);
  return ready?.status === 200 ? ready.body.revision : undefined;
}

async function residentBytes(app: App): Promise<number> {
  const metrics = (await get(`${app.url}/metrics`)).text;
  const line = metrics.split('\n').find((l) => l.startsWith('process_resident_memory_bytes '));
  return Number(line!.split(' ')[1]);
}

describe('control plane and two edges over NATS', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let controlPlane: App;
  let edges: App[];
  let origin: Origin;

  beforeAll(async () => {
    nats = await startNats();
    origin = await startOrigin('origin');
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--node-timeout', '30', '--health-interval', '1']);
    edges = [
      await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a']),
      await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-b']),
    ];
    await eventually(async () => (await Promise.all(edges.map(revisionOf))).every((r) => r !== undefined), 10_000);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('edges answer 503 JSON while no node is registered', async () => {
    const answer = await get(`${edges[0].url}/cdn/x`);
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('no_active_node');
  });

  it('a registration reaches both edges within 200 ms', async () => {
    const registered = await post(`${controlPlane.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    expect(registered.body).toEqual({ status: 'Node registered successfully' });
    const startedAt = performance.now();
    await Promise.all(edges.map((edge) => eventually(async () => (await get(`${edge.url}${fresh('/cdn/hello')}`)).status === 200, 2_000, 5)));
    expect(performance.now() - startedAt).toBeLessThan(200);
    const answer = await get(`${edges[1].url}/cdn/hello?x=1`);
    expect(answer.body).toMatchObject({ origin: 'origin', url: '/hello?x=1' });
    expect(answer.headers.get('x-cdn-node')).toBe('node1');
  });

  it('GET /edges lists both edges with their applied revision and no lag', async () => {
    await eventually(async () => {
      const { body } = await get(`${controlPlane.url}/edges`);
      const ids = body.edges.map((e: any) => e.id).sort();
      return ids.join() === 'edge-a,edge-b' && body.edges.every((e: any) => e.revision === body.revision && e.lag === 0);
    }, 5_000);
    const { body } = await get(`${controlPlane.url}/edges`);
    for (const edge of body.edges) {
      expect(edge.status).toBe('live');
      expect(Number.isNaN(Date.parse(edge.last_report))).toBe(false);
    }
  });

  it('toggle_cache takes effect on every edge', async () => {
    for (const edge of edges) {
      await get(`${edge.url}/cdn/cached`);
      expect((await get(`${edge.url}/cdn/cached`)).headers.get('x-cache')).toBe('HIT');
    }
    expect((await post(`${controlPlane.url}/toggle_cache`)).body).toEqual({ status: 'Cache is now disabled' });
    await Promise.all(edges.map((edge) => eventually(async () => (await get(`${edge.url}/cdn/cached`)).headers.get('x-cache') === 'BYPASS', 2_000)));
    expect((await post(`${controlPlane.url}/toggle_cache`)).body).toEqual({ status: 'Cache is now enabled' });
    await Promise.all(edges.map((edge) => eventually(async () => (await get(`${edge.url}/cdn/cached`)).headers.get('x-cache') !== 'BYPASS', 2_000)));
  });

  it('a deregistered node gets no more traffic on any edge', async () => {
    await post(`${controlPlane.url}/register_node`, { id: 'temp', url: origin.url, location: 'Temp', capacity: 1 });
    await Promise.all(edges.map((edge) => eventually(async () => (await get(`${edge.url}${fresh('/cdn/t')}`, { headers: { 'X-Client-Location': 'Temp' } })).headers.get('x-cdn-node') === 'temp', 2_000)));
    expect((await request(`${controlPlane.url}/nodes/temp`, { method: 'DELETE' })).status).toBe(200);
    await Promise.all(edges.map((edge) => eventually(async () => (await get(`${edge.url}${fresh('/cdn/t2')}`, { headers: { 'X-Client-Location': 'Temp' } })).headers.get('x-cdn-node') === 'node1', 2_000)));
  });

  it('streams a large download through an edge without growing its memory', async () => {
    const size = 512 * 1024 * 1024;
    const big = await startOrigin('big', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store' });
      const chunk = Buffer.alloc(1024 * 1024, 7);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    try {
      await post(`${controlPlane.url}/register_node`, { id: 'big', url: big.url, location: 'Big', capacity: 1 });
      await eventually(async () => (await request(`${edges[0].url}/cdn/probe`, { headers: { 'X-Client-Location': 'Big' }, method: 'HEAD' })).headers.get('x-cdn-node') === 'big', 2_000);
      const before = await residentBytes(edges[0]);
      let received = 0;
      await new Promise<void>((resolve, reject) => {
        http.get(`${edges[0].url}/cdn/big.iso`, { headers: { 'X-Client-Location': 'Big' } }, (res) => {
          res.on('data', (c: Buffer) => (received += c.length));
          res.on('end', resolve);
          res.on('error', reject);
        }).on('error', reject);
      });
      const after = await residentBytes(edges[0]);
      expect(received).toBe(size);
      expect(after - before).toBeLessThan(96 * 1024 * 1024);
    } finally {
      await request(`${controlPlane.url}/nodes/big`, { method: 'DELETE' });
      await big.close();
    }
  });

  it('streams a large upload through an edge without growing its memory', async () => {
    const size = 256 * 1024 * 1024;
    let receivedByOrigin = 0;
    const sink = await startOrigin('sink', (req, res) => {
      req.on('data', (c: Buffer) => (receivedByOrigin += c.length));
      req.on('end', () => res.end(JSON.stringify({ received: receivedByOrigin })));
    });
    try {
      await post(`${controlPlane.url}/register_node`, { id: 'sink', url: sink.url, location: 'Sink', capacity: 1 });
      await eventually(async () => (await get(`${edges[1].url}${fresh('/cdn/probe')}`, { headers: { 'X-Client-Location': 'Sink' } })).headers.get('x-cdn-node') === 'sink', 2_000);
      const before = await residentBytes(edges[1]);
      const answer = await new Promise<string>((resolve, reject) => {
        const req = http.request(`${edges[1].url}/cdn/upload/big.bin`, { method: 'PUT', headers: { 'X-Client-Location': 'Sink', 'content-length': size } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        const chunk = Buffer.alloc(1024 * 1024, 3);
        let sent = 0;
        const pump = () => {
          while (sent < size) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
      const after = await residentBytes(edges[1]);
      expect(JSON.parse(answer).received).toBe(size);
      expect(after - before).toBeLessThan(96 * 1024 * 1024);
    } finally {
      await request(`${controlPlane.url}/nodes/sink`, { method: 'DELETE' });
      await sink.close();
    }
  });

  it('edges keep serving while NATS is down, changes are refused meanwhile, and edges catch up when it returns', async () => {
    const revisionBefore = await revisionOf(edges[0]);
    await nats.stop();
    for (const edge of edges) expect((await get(`${edge.url}/cdn/during-outage`)).status).toBe(200);

    // The node table lives in NATS: a change that cannot be stored there is refused, and nothing changes.
    const refused = await post(`${controlPlane.url}/register_node`, { id: 'node2', url: origin.url, location: 'Shanghai', capacity: 50 });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: 'state_not_writable', bucket: 'cdn_nodes' });
    expect((await get(`${controlPlane.url}/nodes/node2`)).status).toBe(404);
    nats = await startNats({ port: nats.port, storeDir: nats.storeDir });
    await eventually(async () => (await post(`${controlPlane.url}/register_node`, { id: 'node2', url: origin.url, location: 'Shanghai', capacity: 50 })).status === 200, 15_000, 250);
    await Promise.all(
      edges.map((edge) =>
        eventually(async () => (await get(`${edge.url}${fresh('/cdn/after')}`, { headers: { 'X-Client-Location': 'Shanghai' } })).headers.get('x-cdn-node') === 'node2', 15_000, 100),
      ),
    );
    // And changes after the restart arrive as usual.
    await request(`${controlPlane.url}/nodes/node2`, { method: 'DELETE' });
    await Promise.all(
      edges.map((edge) =>
        eventually(async () => (await get(`${edge.url}${fresh('/cdn/after2')}`, { headers: { 'X-Client-Location': 'Shanghai' } })).headers.get('x-cdn-node') === 'node1', 5_000),
      ),
    );
    expect((await revisionOf(edges[0]))!).toBeGreaterThan(revisionBefore!);
  });
});
