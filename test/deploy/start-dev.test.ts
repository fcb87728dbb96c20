/**
 * The dev overlay, started as a kubelet would start it (see test/support/k8s/local-cluster.ts): one NATS server,
 * Redis, one control plane and one edge, from the manifests' commands, settings and Secrets. Through the Services
 * the manifests declare, a node is registered with the admin token of the Secret, clients get its answers through
 * the edge, cached in memory and in Redis, and the edge stops without dropping a request.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { configValue, named } from '../support/k8s/objects';
import { readDockerfile } from '../support/k8s/dockerfile';
import { startLocalCluster, type LocalCluster } from '../support/k8s/local-cluster';
import { render } from '../support/k8s/render';
import { type Origin, startCacheableOrigin } from '../support/origin';
import { eventually } from '../support/ports';

const objects = render('overlays/dev');
const secrets = named(objects, 'Secret', objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('cdn-secrets'))!.metadata.name)!;
const ADMIN = { authorization: `Bearer ${configValue(secrets, 'admin-tokens')!.split('\n')[0]}` };

describe('deploy/k8s/overlays/dev, started as a kubelet would', () => {
  let cluster: LocalCluster;
  let origin: Origin;
  const controlPlane = () => cluster.serviceUrl('cdn-control-plane', 'http');
  const edge = () => cluster.serviceUrl('cdn-edge', 'http');

  beforeAll(async () => {
    origin = await startCacheableOrigin('node1');
    cluster = await startLocalCluster(objects, readDockerfile());
    await cluster.allReady(60_000);
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
    await origin?.close();
  });

  it('every container becomes ready by its readiness probe and stays live by its liveness probe', () => {
    expect(cluster.containers.map((c) => c.process.name).sort()).toEqual(['cdn-control-plane-7d9f8c6b5-ax2kq/control-plane', 'cdn-edge-7d9f8c6b5-ax2kq/edge', 'cdn-nats-0/nats', 'cdn-redis-7d9f8c6b5-ax2kq/redis']);
    expect(cluster.containers.filter((c) => c.probes.killedBecause || c.process.child.exitCode !== null).map((c) => c.process.name)).toEqual([]);
  });

  it('the control plane\'s Service takes a node with the admin token of the Secret, and refuses it without', async () => {
    const node = { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 };
    const refused = await post(`${controlPlane()}/register_node`, node);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('unauthorized');
    const registered = await post(`${controlPlane()}/register_node`, node, { headers: ADMIN });
    expect(registered.status, cluster.logs()).toBe(200);
    expect((await post(`${controlPlane()}/heartbeat/node1`, undefined, { headers: { authorization: `Bearer ${registered.body.node_token}` } })).status).toBe(200);
  });

  it('the edge\'s Service serves the node\'s answer, then the same from its cache, and Redis holds it', async () => {
    const first = (await eventually(async () => {
      const answer = await get(`${edge()}/cdn/hello.txt`);
      return answer.status === 200 ? answer : undefined;
    }, 10_000))!;
    expect(first.headers.get('x-cdn-node')).toBe('node1');
    expect(first.headers.get('x-cache')).toBe('MISS');
    const second = await get(`${edge()}/cdn/hello.txt`);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(origin.requests.filter((r) => r.url === '/hello.txt')).toHaveLength(1);
    const redis = cluster.of('cdn-redis')[0];
    const keys = spawnSync('redis-cli', ['-p', String(cluster.network.hostPort(redis.pod, 'redis')), '--no-auth-warning', '-a', redis.env.REDIS_PASSWORD, '--scan'], { encoding: 'utf8' });
    expect(keys.stdout).toContain('/cdn/hello.txt');
  });

  it('the control plane hears the edge under its pod\'s name, and a purge reaches it over NATS', async () => {
    const [edgePod] = cluster.of('cdn-edge');
    await eventually(async () => (await get(`${controlPlane()}/edges`, { headers: ADMIN })).body.edges?.some((e: { id: string; lag: number }) => e.id === edgePod.pod && e.lag === 0), 10_000);
    const purge = await post(`${controlPlane()}/cache/purge`, { urls: ['/cdn/hello.txt'] }, { headers: ADMIN });
    expect(purge.status).toBe(202);
    await eventually(async () => (await get(`${controlPlane()}/operations/${purge.body.operation_id}`, { headers: ADMIN })).body.complete === true, 10_000);
    expect((await get(`${edge()}/cdn/hello.txt`)).headers.get('x-cache')).toBe('MISS');
  });

  it('the edge keeps its routing table in its state directory, on its volume', () => {
    const [edgePod] = cluster.of('cdn-edge');
    // The container's environment, as started, holds the state directory's local path.
    const saved = path.join(edgePod.env.CDN_STATE_DIR, 'routing-table.json');
    expect(saved.startsWith(`${edgePod.hostPath('/data')}/`), saved).toBe(true);
    expect(JSON.parse(fs.readFileSync(saved, 'utf8'))).toBeTruthy();
  });

  it('NATS refuses nothing the control plane and the edge do', () => {
    const [nats] = cluster.of('cdn-nats');
    expect(nats.process.output).not.toMatch(/Violation/);
  });

  it('a deleted edge answers through its preStop pause, then exits 0 on SIGTERM within its grace period', async () => {
    const [edgePod] = cluster.of('cdn-edge');
    const url = edge();
    const answered: number[] = [];
    const { code, seconds } = await cluster.deletePod(edgePod.pod, async () => {
      for (let i = 0; i < 5; i++) {
        answered.push((await get(`${url}/cdn/hello.txt`)).status);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    });
    expect(answered).toEqual([200, 200, 200, 200, 200]);
    expect(code, edgePod.process.output.slice(-3000)).toBe(0);
    expect(seconds).toBeLessThan(edgePod.workload.template.spec.terminationGracePeriodSeconds);
  }, 40_000);
});
