/**
 * Failover without client errors: three nodes, steady GET load through two edges, one node killed and
 * restarted. Real processes: nats-server, the control plane, two edges, HTTP nodes.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startNats, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };

const NODE_TIMEOUT = 3;
const HEALTH_INTERVAL = 1;
const HEALTHY_THRESHOLD = 2;

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** One GET through an edge: ok when the answer is a complete 200. */
function fetchThrough(edge: App, path: string): Promise<{ ok: boolean; node: string | undefined; detail: string }> {
  return new Promise((resolve) => {
    const req = http.get(`${edge.url}${path}`, { agent }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ ok: res.statusCode === 200 && body.startsWith('node'), node: res.headers['x-cdn-node'] as string | undefined, detail: `${res.statusCode} ${body.slice(0, 80)}` }));
      res.on('error', (err) => resolve({ ok: false, node: undefined, detail: err.message }));
    });
    req.on('error', (err) => resolve({ ok: false, node: undefined, detail: err.message }));
  });
}

describe('failover', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let controlPlane: App;
  let edges: App[];
  const nodes = new Map<string, Origin>();
  const beating = new Set<string>(['node1', 'node2', 'node3']);
  let heartbeats: NodeJS.Timeout;

  const nodeServer = (id: string, port?: number) =>
    startOrigin(
      id,
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
        res.end(`${id} ok`);
      },
      { port },
    );

  beforeAll(async () => {
    nats = await startNats();
    controlPlane = await startApp('controlPlane', [
      '--nats-url', nats.url,
      '--node-timeout', String(NODE_TIMEOUT),
      '--health-interval', String(HEALTH_INTERVAL),
      '--healthy-threshold', String(HEALTHY_THRESHOLD),
      '--unhealthy-threshold', '2',
      '--probe-timeout', '1',
    ]);
    edges = [
      await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-a', '--disable-cache']),
      await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-b', '--disable-cache']),
    ];
    for (const id of ['node1', 'node2', 'node3']) {
      const server = await nodeServer(id);
      nodes.set(id, server);
      await post(`${controlPlane.url}/register_node`, { id, url: server.url, location: 'Beijing', capacity: 100 });
    }
    // The nodes' own agents: a heartbeat every second from every node that is up.
    heartbeats = setInterval(() => {
      for (const id of beating) void post(`${controlPlane.url}/heartbeat/${id}`).catch(() => undefined);
    }, 1_000);
    await Promise.all(edges.map((edge) => eventually(async () => (await fetchThrough(edge, '/cdn/warmup')).ok, 5_000)));
  });

  afterAll(async () => {
    clearInterval(heartbeats);
    agent.destroy();
    await stopAll();
    await Promise.all([...nodes.values()].map((n) => n.close()));
  });

  it('a node killed under load costs no failed GET, is detected, and comes back after it restarts', async () => {
    let running = true;
    let sent = 0;
    const failures: string[] = [];
    const servedBy = new Map<string, number>();
    const load = async (worker: number) => {
      while (running) {
        const edge = edges[(sent + worker) % edges.length];
        const result = await fetchThrough(edge, `/cdn/item/${worker}-${sent++}`);
        if (!result.ok) failures.push(result.detail);
        if (result.node) servedBy.set(result.node, (servedBy.get(result.node) ?? 0) + 1);
      }
    };
    const workers = [0, 1, 2, 3].map(load);
    await new Promise((r) => setTimeout(r, 1_000));

    // Kill node2: its server stops and its agent stops sending heartbeats.
    const victim = nodes.get('node2')!;
    const port = victim.port;
    beating.delete('node2');
    const killedAt = performance.now();
    await victim.close();
    await eventually(async () => (await get(`${controlPlane.url}/nodes`)).body.nodes.find((n: any) => n.id === 'node2').status !== 'active', 15_000, 50);
    const detectedMs = performance.now() - killedAt;
    await new Promise((r) => setTimeout(r, 1_000));

    // Restart it on the same address; its agent resumes heartbeats.
    const restartedAt = performance.now();
    nodes.set('node2', await nodeServer('node2', port));
    beating.add('node2');
    await eventually(async () => (await get(`${controlPlane.url}/nodes`)).body.nodes.find((n: any) => n.id === 'node2').status === 'active', 15_000, 50);
    const recoveredMs = performance.now() - restartedAt;
    const servedBeforeRecovery = servedBy.get('node2') ?? 0;
    await eventually(() => (servedBy.get('node2') ?? 0) > servedBeforeRecovery, 10_000, 50);
    const backInRotationMs = performance.now() - restartedAt;

    running = false;
    await Promise.all(workers);
    console.log(
      `failover: ${sent} GETs, ${failures.length} failed; node2 detected in ${detectedMs.toFixed(0)} ms, ` +
        `active again ${recoveredMs.toFixed(0)} ms after restart, serving again after ${backInRotationMs.toFixed(0)} ms; ` +
        `served by ${JSON.stringify(Object.fromEntries(servedBy))}`,
    );
    expect(failures).toEqual([]);
    expect(detectedMs).toBeLessThan((NODE_TIMEOUT + HEALTH_INTERVAL) * 1000);
    expect(recoveredMs).toBeLessThan((HEALTHY_THRESHOLD + 1) * HEALTH_INTERVAL * 1000 + 500);
    const detail = (await get(`${controlPlane.url}/nodes/node2`)).body;
    // Out of rotation (suspect when the edges saw it first, inactive when the probes did), then back.
    const path = detail.health.transitions.map((t: any) => t.to);
    expect(['suspect', 'inactive']).toContain(path[0]);
    expect(path.at(-1)).toBe('active');
  });
});
