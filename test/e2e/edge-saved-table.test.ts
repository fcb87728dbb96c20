/**
 * Issue 9, the edge part: with --state-dir an edge keeps every applied routing table on disk and starts from it
 * when NATS and every control plane are gone, then catches up with the live table when they come back. Real
 * processes throughout: nats-server with JetStream, the control plane, edges and an origin.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDN_USER_PASSWORDS, CDN_USERS_FILE } from '../support/cdn-nats-users';
import { ConfiguredNats, startConfiguredNats } from '../support/configured-nats';
import { get, post, request } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startNats, stopAll, tempDir } from '../support/processes';

type App = Running & { port: number; url: string };

const SAVED = 'routing-table.json';

let probes = 0;
/** A path no earlier request used, so that no cache answers it. */
const fresh = (p: string) => `${p}?probe=${++probes}`;

/** What the edge has on disk, as JSON (the file is meant to be read by people too). */
function savedFile(dir: string): { format: number; edge_id: string; revision: number; saved_at: string; settings: { cacheEnabled: boolean }; nodes: { id: string }[] } {
  return JSON.parse(fs.readFileSync(path.join(dir, SAVED), 'utf8'));
}

async function ready(app: App): Promise<{ status: number; body: any }> {
  return get(`${app.url}/readyz`).catch(() => ({ status: 0, body: undefined }));
}

function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('an edge with --state-dir while NATS and every control plane are gone', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let origin: Origin;
  let controlPlane: App;
  const controlPlaneDir = tempDir();
  const stateDir = path.join(tempDir('edge-a-'), 'state');
  let edgeA: App;
  let edgeB: App;
  const controlPlaneArgs = () => ['--nats-url', nats.url, '--node-timeout', '3600', '--health-interval', '1'];
  const edgeAArgs = () => ['--nats-url', nats.url, '--edge-id', 'edge-a', '--state-dir', stateDir];
  /** The revision edge-a had saved when it was killed. */
  let savedRevision: number;

  beforeAll(async () => {
    nats = await startNats();
    origin = await startOrigin('origin');
    controlPlane = await startApp('controlPlane', controlPlaneArgs(), { cwd: controlPlaneDir });
    edgeA = await startApp('edge', edgeAArgs());
    edgeB = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-b']);
    expect((await post(`${controlPlane.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 })).status).toBe(200);
    for (const edge of [edgeA, edgeB]) await eventually(async () => (await get(`${edge.url}${fresh('/cdn/hello')}`)).status === 200, 10_000);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('a saved table written while serving survives kill -9 of the edge', async () => {
    // The table in use reaches the disk soon after it was applied.
    const revision = (await ready(edgeA)).body.revision;
    await eventually(() => fs.existsSync(path.join(stateDir, SAVED)) && savedFile(stateDir).revision === revision, 5_000);
    expect(savedFile(stateDir)).toMatchObject({ format: 1, edge_id: 'edge-a', revision, settings: { cacheEnabled: true }, nodes: [{ id: 'node1' }] });

    // Tables keep changing while the edge is killed: whatever it was doing, the file is a whole table.
    const churn = (async () => {
      for (let i = 0; i < 20; i++) {
        await post(`${controlPlane.url}/register_node`, { id: 'churn', url: origin.url, location: 'Churn', capacity: i + 1 });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 200)));
    await edgeA.stop('SIGKILL');
    await churn;
    await request(`${controlPlane.url}/nodes/churn`, { method: 'DELETE' });

    const file = savedFile(stateDir);
    expect(file.revision).toBeGreaterThanOrEqual(revision);
    expect(file.nodes.map((n) => n.id)).toContain('node1');
    savedRevision = file.revision;
  });

  it('an edge restarted with NATS and the control plane down serves from its saved table', async () => {
    await controlPlane.stop();
    await nats.stop();
    edgeA = await startApp('edge', edgeAArgs());

    const answer = await eventually(async () => {
      const a = await get(`${edgeA.url}${fresh('/cdn/from-disk')}`, { headers: { 'X-Client-Location': 'Beijing' } });
      return a.status === 200 ? a : undefined;
    }, 5_000);
    expect(answer!.headers.get('x-cdn-node')).toBe('node1');
    expect(answer!.body).toMatchObject({ origin: 'origin' });

    const readiness = await ready(edgeA);
    expect(readiness.status).toBe(200);
    expect(readiness.body).toEqual({
      status: 'ready',
      revision: savedRevision,
      table: 'saved',
      saved_at: savedFile(stateDir).saved_at,
      age_seconds: expect.any(Number),
      waiting_for: `NATS at ${nats.url}`,
    });
    const logged = new RegExp(`WARNING +edge-proxy: Serving the routing table saved at \\S+ \\(revision ${savedRevision}, \\d+ nodes, \\d+ active; \\d+ s old\\) from ${stateDir} until NATS at ${nats.url} answers`);
    await eventually(() => logged.test(edgeA.output), 3_000);
    const metrics = (await get(`${edgeA.url}/metrics`)).text;
    expect(metric(metrics, 'cdn_edge_routing_table_source{source="saved"}')).toBe(1);
    expect(metric(metrics, 'cdn_edge_routing_table_age_seconds')).toBeGreaterThanOrEqual(0);
    // What a write cut short by kill -9 left behind is gone.
    expect(fs.readdirSync(stateDir)).toEqual([SAVED]);
  });

  it('without a saved table and without NATS the edge stays 503 not_ready, and says why', async () => {
    await edgeB.stop('SIGKILL');
    edgeB = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-b']);
    const emptyDir = tempDir('edge-c-');
    const edgeC = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-c', '--state-dir', emptyDir]);

    for (const [edge, why] of [
      [edgeB, 'no --state-dir to start from'],
      [edgeC, `no saved routing table in ${emptyDir} (--state-dir) yet`],
    ] as const) {
      const readiness = await ready(edge);
      expect(readiness.status).toBe(503);
      expect(readiness.body).toEqual({
        error: 'not_ready',
        message: `No routing table yet: waiting for NATS at ${nats.url}; ${why}.`,
        reasons: [`waiting for NATS at ${nats.url}`, why],
      });
      const cdn = await get(`${edge.url}/cdn/hello`);
      expect(cdn.status).toBe(503);
      expect(cdn.body.error).toBe('not_ready');
    }
    await edgeC.stop();
  });

  it('a corrupt saved table is set aside and the edge waits for NATS', async () => {
    const dir = tempDir('edge-d-');
    fs.writeFileSync(path.join(dir, SAVED), '{"format": 1, "revision": 7, "nod');
    const edgeD = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-d', '--state-dir', dir]);

    const readiness = await ready(edgeD);
    expect(readiness.status).toBe(503);
    const keptAs = fs.readdirSync(dir).find((name) => name.startsWith(`${SAVED}.corrupt-`));
    expect(keptAs).toBeDefined();
    expect(fs.readFileSync(path.join(dir, keptAs!), 'utf8')).toBe('{"format": 1, "revision": 7, "nod');
    expect(fs.existsSync(path.join(dir, SAVED))).toBe(false);
    expect(readiness.body.reasons).toEqual([`waiting for NATS at ${nats.url}`, `the saved routing table in ${dir} was unusable (set aside as ${path.join(dir, keptAs!)})`]);
    const logged = new RegExp(`ERROR +edge-proxy: The saved routing table ${path.join(dir, SAVED)} is unusable: not valid JSON .*; set aside as .*\\. Starting without it: not ready until NATS answers`);
    // The log is written asynchronously: the line may arrive a moment after the answers.
    await eventually(() => logged.test(edgeD.output), 3_000);
    expect((await get(`${edgeD.url}/cdn/hello`)).body.error).toBe('not_ready');
    await edgeD.stop();
  });

  it('it catches up with the live revision when NATS returns, then follows the control plane again', async () => {
    // NATS first, with the store it had: the bucket's state is the live table, and it wins over the saved one.
    nats = await startNats({ port: nats.port, storeDir: nats.storeDir });
    await eventually(async () => (await ready(edgeA)).body?.table === 'live', 15_000, 100);
    const live = (await ready(edgeA)).body;
    expect(live).toEqual({ status: 'ready', revision: expect.any(Number), table: 'live' });
    await eventually(() => edgeA.output.includes(`Reconciled to live routing revision ${live.revision} (was serving saved revision ${savedRevision})`), 3_000);
    // The edge that had nothing to serve is ready too.
    await eventually(async () => (await ready(edgeB)).status === 200, 15_000, 100);

    // Then the control plane, with its nodes file: a change made now reaches the edges as before.
    controlPlane = await startApp('controlPlane', controlPlaneArgs(), { cwd: controlPlaneDir });
    expect((await post(`${controlPlane.url}/register_node`, { id: 'node2', url: origin.url, location: 'Shanghai', capacity: 50 })).status).toBe(200);
    for (const edge of [edgeA, edgeB]) {
      await eventually(async () => (await get(`${edge.url}${fresh('/cdn/after')}`, { headers: { 'X-Client-Location': 'Shanghai' } })).headers.get('x-cdn-node') === 'node2', 15_000, 100);
    }
    const revision = (await ready(edgeA)).body.revision;
    expect(revision).toBeGreaterThan(savedRevision);
    await eventually(() => savedFile(stateDir).revision === revision && savedFile(stateDir).nodes.some((n) => n.id === 'node2'), 5_000);
    const metrics = (await get(`${edgeA.url}/metrics`)).text;
    expect(metric(metrics, 'cdn_edge_routing_table_source{source="live"}')).toBe(1);
    expect(metric(metrics, 'cdn_edge_routing_table_age_seconds')).toBe(0);
  });

  it('GET /edges shows each edge on the live table once it caught up', async () => {
    const edges = await eventually(async () => {
      const { body } = await get(`${controlPlane.url}/edges`);
      const byId = new Map<string, any>(body.edges.map((e: any) => [e.id, e]));
      return byId.get('edge-a')?.lag === 0 && byId.get('edge-b')?.lag === 0 ? byId : undefined;
    }, 10_000);
    expect(edges!.get('edge-a')).toMatchObject({ status: 'live', table_source: 'live' });
    expect(edges!.get('edge-b')).toMatchObject({ status: 'live', table_source: 'live' });
    expect(edges!.get('edge-a')).not.toHaveProperty('table_saved_at');
  });
});

describe('GET /edges shows an edge serving a saved table', () => {
  let nats: ConfiguredNats;
  let origin: Origin;
  let controlPlane: App;
  let edge: App;
  const stateDir = tempDir('edge-perm-');
  const savedAt = new Date(Date.now() - 3_600_000).toISOString();
  const users = fs.readFileSync(CDN_USERS_FILE, 'utf8');
  const watch = '"$JS.API.CONSUMER.CREATE.KV_cdn_routing.>",';
  // A deployment mistake: the edge's user may report but not watch the routing bucket.
  const usersWithoutEdgeWatch = `${users.slice(0, users.lastIndexOf(watch))}${users.slice(users.lastIndexOf(watch) + watch.length)}`;

  beforeAll(async () => {
    origin = await startOrigin('origin');
    fs.writeFileSync(
      path.join(stateDir, SAVED),
      JSON.stringify({
        format: 1,
        edge_id: 'edge-a',
        revision: 40,
        applied_at: savedAt,
        saved_at: savedAt,
        settings: { cacheEnabled: true },
        nodes: [{ id: 'node1', url: origin.url, location: 'Beijing', capacity: 100, status: 'active', load: 0 }],
      }),
    );
    const usersDir = tempDir('nats-users-');
    fs.writeFileSync(path.join(usersDir, 'cdn-users.conf'), usersWithoutEdgeWatch);
    nats = await startConfiguredNats({ config: 'include cdn-users.conf', files: [path.join(usersDir, 'cdn-users.conf')], env: { CDN_CP_NATS_PASSWORD: CDN_USER_PASSWORDS.controlPlane, CDN_EDGE_NATS_PASSWORD: CDN_USER_PASSWORDS.edge } });
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--nats-user', 'cdn-control-plane', '--node-timeout', '3600'], { env: { CDN_NATS_PASSWORD: CDN_USER_PASSWORDS.controlPlane } });
    await eventually(async () => (await ready(controlPlane)).status === 200, 10_000);
    expect((await post(`${controlPlane.url}/register_node`, { id: 'node9', url: origin.url, location: 'Beijing', capacity: 100 })).status).toBe(200);
    edge = await startApp('edge', ['--nats-url', nats.url, '--nats-user', 'cdn-edge', '--edge-id', 'edge-a', '--state-dir', stateDir], { env: { CDN_NATS_PASSWORD: CDN_USER_PASSWORDS.edge } });
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('while the edge cannot read the routing bucket: its saved table, and since when', async () => {
    const view = await eventually(async () => (await get(`${controlPlane.url}/edges`)).body.edges.find((e: any) => e.id === 'edge-a'), 10_000);
    expect(view).toMatchObject({ id: 'edge-a', revision: 40, status: 'live', table_source: 'saved', table_saved_at: savedAt });
    expect((await get(`${edge.url}${fresh('/cdn/x')}`)).headers.get('x-cdn-node')).toBe('node1');
    expect((await ready(edge)).body).toMatchObject({ table: 'saved', revision: 40, waiting_for: `the routing bucket cdn_routing on NATS at ${nats.url}` });
    await eventually(() => /WARNING +control-plane: Edge edge-a connected, serving the routing table it saved at .* \(revision 40\) in its --state-dir, not the live one/.test(controlPlane.output), 3_000);
  });

  it('and the live table once the edge may read the bucket again', async () => {
    fs.writeFileSync(path.join(nats.dir, 'cdn-users.conf'), users);
    await nats.reload('include cdn-users.conf');
    await eventually(async () => (await get(`${controlPlane.url}/edges`)).body.edges.find((e: any) => e.id === 'edge-a')?.table_source === 'live', 20_000, 200);
    const { body } = await get(`${controlPlane.url}/edges`);
    expect(body.edges.find((e: any) => e.id === 'edge-a')).toMatchObject({ revision: body.revision, lag: 0 });
    expect((await get(`${edge.url}${fresh('/cdn/x')}`)).headers.get('x-cdn-node')).toBe('node9');
  });
});
