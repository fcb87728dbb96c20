/**
 * The NATS users of deploy/nats/cdn-users.conf (the README's permissions example, included here as it is):
 * the control plane and an edge do all their work with them, and an edge's user cannot change the routing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { connectNats, createNatsRoutingSource, createNatsRoutingStore, readNatsCredentials, silentLogger, type RouteNode, type RoutingTable } from '@cdn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDN_USER_PASSWORDS, permissionViolations as violations, startNatsWithCdnUsers } from '../support/cdn-nats-users';
import type { ConfiguredNats } from '../support/configured-nats';
import { get, post } from '../support/http';
import { startOrigin, type Origin } from '../support/origin';
import { eventually, freePort } from '../support/ports';
import { APPS, Running, startApp, stopAll, tempDir } from '../support/processes';

const CP_PASSWORD = CDN_USER_PASSWORDS.controlPlane;
const EDGE_PASSWORD = CDN_USER_PASSWORDS.edge;

function node(id: string, url: string, overrides: Partial<RouteNode> = {}): RouteNode {
  return { id, url, location: 'eu', capacity: 1, status: 'active', load: 0, ...overrides };
}

type App = Running & { port: number; url: string };

describe('the NATS users of deploy/nats/cdn-users.conf', () => {
  let nats: ConfiguredNats;
  let origin: Origin;
  let controlPlane: App;
  let controlPlaneDir: string;
  let edge: App;

  beforeAll(async () => {
    nats = await startNatsWithCdnUsers();
    origin = await startOrigin('origin');
    const passwordFile = path.join(tempDir(), 'edge-password');
    fs.writeFileSync(passwordFile, `${EDGE_PASSWORD}\n`);
    controlPlaneDir = tempDir();
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--nats-user', 'cdn-control-plane', '--health-interval', '1'], { env: { CDN_NATS_PASSWORD: CP_PASSWORD }, cwd: controlPlaneDir });
    edge = await startApp('edge', ['--nats-url', nats.url, '--nats-user', 'cdn-edge', '--nats-password-file', passwordFile, '--edge-id', 'edge-a']);
    await eventually(async () => (await get(`${edge.url}/readyz`)).status === 200, 15_000);
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
  });

  it('let the control plane and an edge do all their work, and NATS logs no permission violation', async () => {
    expect((await post(`${controlPlane.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 })).status).toBe(200);
    // Routing: the edge follows the bucket the control plane writes.
    await eventually(async () => (await get(`${edge.url}/cdn/hello`)).status === 200, 5_000);
    // Reports: the control plane hears the edge.
    await eventually(async () => (await get(`${controlPlane.url}/edges`)).body.edges.some((e: { id: string; lag: number }) => e.id === 'edge-a' && e.lag === 0), 10_000);
    // Cache commands out, receipts back.
    const purge = await post(`${controlPlane.url}/cache/purge`, { urls: ['/cdn/hello'] });
    expect(purge.status).toBe(202);
    await eventually(async () => (await get(`${controlPlane.url}/operations/${purge.body.operation_id}`)).body.complete === true, 10_000);
    // An invalidation broadcast by the edge itself.
    expect((await post(`${edge.url}/cdn/hello`, { x: 1 })).status).toBe(200);
    // Settings.
    expect((await post(`${controlPlane.url}/toggle_cache`)).body).toEqual({ status: 'Cache is now disabled' });
    await eventually(async () => (await get(`${edge.url}/cdn/cached`)).headers.get('x-cache') === 'BYPASS', 5_000);
    // Heartbeats, the node bucket and the cluster bucket (lease, replicas' announcements).
    expect((await post(`${controlPlane.url}/heartbeat/node1`, { current_load: 1 })).status).toBe(200);
    expect((await get(`${controlPlane.url}/cluster`)).body.replicas).toHaveLength(1);
    // Node loads are broadcast every second: give them time to be refused, were they refused.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(violations(nats)).toEqual([]);
    expect(controlPlane.output + edge.output).not.toMatch(/Permissions Violation/);
  });

  it('an edge user cannot write the routing bucket, create or delete it, or speak for the control plane', async () => {
    const nc = await connect({ servers: nats.url, user: 'cdn-edge', pass: EDGE_PASSWORD });
    try {
      const kv = await new Kvm(nc).open('cdn_routing');
      const rogue = JSON.stringify(node('rogue', 'http://203.0.113.66:80'));
      await expect(kv.put('node.cm9ndWU', rogue)).rejects.toThrow(/Permissions Violation for Publish to "\$KV\.cdn_routing\.node\.cm9ndWU"/);
      await expect(kv.delete('settings.cache')).rejects.toThrow(/Permissions Violation/);
      await expect(kv.purge('settings.cache')).rejects.toThrow(/Permissions Violation/);
      await expect(new Kvm(nc).create('cdn_routing_2')).rejects.toThrow(/Permissions Violation/);
      const { jetstreamManager } = await import('@nats-io/jetstream');
      await expect((await jetstreamManager(nc)).streams.delete('KV_cdn_routing')).rejects.toThrow(/Permissions Violation/);
      // A publish is refused by the server asynchronously: it shows in the server's log.
      nc.publish('cdn.nodes.load', JSON.stringify({ loads: { node1: 1e9 }, at: Date.now() }));
      await nc.flush().catch(() => undefined);
      await eventually(() => violations(nats).some((line) => line.includes('"cdn.nodes.load"')));
      // Nothing of it reached the routing: the edge still routes to node1 only.
      expect((await get(`${controlPlane.url}/nodes`)).body.nodes.map((n: { id: string }) => n.id)).toEqual(['node1']);
    } finally {
      await nc.close();
    }
  });

  it('a rogue put made with the control plane\'s own password (a second control plane, a leaked secret) is still put right', async () => {
    const nc = await connect({ servers: nats.url, user: 'cdn-control-plane', pass: CP_PASSWORD });
    try {
      // Bound as the control plane binds it (direct gets), so that every request is one its user may make.
      const kv = await new Kvm(nc).create('cdn_routing');
      await kv.put('node.cm9ndWU', JSON.stringify(node('rogue', 'http://203.0.113.66:80')));
      await eventually(async () => (await kv.get('node.cm9ndWU'))?.operation === 'DEL', 5_000);
      const published = (await kv.get('node.bm9kZTE'))!.string();
      await kv.put('node.bm9kZTE', JSON.stringify(node('node1', 'http://203.0.113.66:80')));
      await eventually(async () => (await kv.get('node.bm9kZTE'))?.string() === published, 5_000);
    } finally {
      await nc.close();
    }
    expect(violations(nats, 'cdn-control-plane')).toEqual([]);
  });

  it('a restarted control plane reads the bucket back and publishes with its user', async () => {
    await controlPlane.stop();
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--nats-user', 'cdn-control-plane', '--health-interval', '1'], { env: { CDN_NATS_PASSWORD: CP_PASSWORD }, cwd: controlPlaneDir });
    await eventually(async () => (await get(`${controlPlane.url}/readyz`)).status === 200, 10_000);
    await post(`${controlPlane.url}/register_node`, { id: 'node2', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${edge.url}/cdn/after-restart`)).headers.get('x-cdn-node') !== null, 5_000);
    expect(violations(nats, 'cdn-control-plane')).toEqual([]);
  });

  it('a client without credentials is refused', async () => {
    await expect(connect({ servers: nats.url, timeout: 2_000 })).rejects.toThrow(/Authorization Violation/);
  });
});

describe('a NATS password that the server refuses', () => {
  let nats: ConfiguredNats;

  beforeAll(async () => {
    nats = await startNatsWithCdnUsers();
  });
  afterAll(stopAll);

  it('a wrong NATS password stops the control plane with one line naming --nats-password', async () => {
    const cwd = tempDir();
    const result = spawnSync(
      process.execPath,
      [APPS.controlPlane, '--host', '127.0.0.1', '--port', String(await freePort()), '--nats-url', nats.url, '--nats-user', 'cdn-control-plane', '--nats-password', 'not-the-password'],
      { cwd, encoding: 'utf8', timeout: 20_000 },
    );
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toBe(
      `cdn-control-plane: error: NATS at ${nats.url} refused the credentials of --nats-user and --nats-password (Authorization Violation); check --nats-user and --nats-password`,
    );
    const log = fs.readFileSync(path.join(cwd, 'cdn_system.log'), 'utf8');
    expect(log).toContain('check --nats-user and --nats-password');
    expect(log + result.stdout + result.stderr).not.toContain('not-the-password');
  });

  it('an edge with a wrong password keeps serving, says why at ERROR and counts it', async () => {
    const edge = await startApp('edge', ['--nats-url', nats.url, '--nats-user', 'cdn-edge', '--edge-id', 'edge-refused'], { env: { CDN_NATS_PASSWORD: 'not-the-password' } });
    await eventually(() => /ERROR.*refused the credentials of --nats-user and --nats-password/.test(edge.output), 10_000);
    expect((await get(`${edge.url}/healthz`)).status).toBe(200);
    expect((await get(`${edge.url}/readyz`)).status).toBe(503);
    expect((await get(`${edge.url}/metrics`)).text).toMatch(/cdn_edge_nats_problems_total\{kind="auth"\} [1-9]/);
    expect(edge.output).not.toContain('not-the-password');
    expect(edge.child.exitCode).toBeNull();
  });
});

describe('an edge user and a routing table of several megabytes', () => {
  let nats: ConfiguredNats;
  const open: NatsConnection[] = [];

  beforeAll(async () => {
    nats = await startNatsWithCdnUsers();
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await stopAll();
  });

  it('follows it, as does the control plane: their watches answer the server\'s flow control ($JS.FC)', async () => {
    const as = async (user: string, password: string) => {
      const nc = await connectNats({ servers: nats.url, name: user, logger: silentLogger(), credentials: readNatsCredentials({ natsUser: user, natsPassword: password } as never) });
      open.push(nc);
      return nc;
    };
    // 2,000 entries with URLs near the 2,048-character limit: a few megabytes in all, past the point where JetStream asks for flow control.
    const nodes = Array.from({ length: 2_000 }, (_, i) => node(`big-${i}`, `http://127.0.0.1:${9000 + (i % 1000)}/${'x'.repeat(2_000)}`));
    const controlPlane = await as('cdn-control-plane', CP_PASSWORD);
    const store = createNatsRoutingStore({ nc: controlPlane, logger: silentLogger() });
    await store.replaceAll(nodes, { cacheEnabled: true });

    const tables: RoutingTable[] = [];
    await createNatsRoutingSource({ nc: await as('cdn-edge', EDGE_PASSWORD), logger: silentLogger() }).start((t) => tables.push(t));
    expect(tables[0].nodes.map((n) => n.id).sort()).toEqual(nodes.map((n) => n.id).sort());

    // The control plane reads it back too: its own reader, a full publish, and a reconcile pass.
    const own: RoutingTable[] = [];
    await createNatsRoutingSource({ nc: controlPlane, logger: silentLogger() }).start((t) => own.push(t));
    expect(own[0].nodes).toHaveLength(nodes.length);
    await store.replaceAll(nodes.slice(1), { cacheEnabled: true });
    expect(await store.reconcile()).toEqual([]);
    expect(violations(nats)).toEqual([]);
  });
});
