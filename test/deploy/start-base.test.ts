/**
 * The base, started as a kubelet would start it (see test/support/k8s/local-cluster.ts): three NATS servers that
 * form one JetStream cluster by the routes of their configuration, Redis, every control-plane replica and two
 * edges, all from the manifests' commands, settings and Secrets, each probed as it declares. A wrong flag, variable,
 * port, name or probe path in the manifests fails here.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { configValue, ofKind, workloads } from '../support/k8s/objects';
import { readDockerfile } from '../support/k8s/dockerfile';
import { startLocalCluster, type LocalCluster } from '../support/k8s/local-cluster';
import { render } from '../support/k8s/render';
import { type Origin, startCacheableOrigin } from '../support/origin';
import { eventually } from '../support/ports';

const objects = render('base');
const secrets = ofKind(objects, 'Secret').find((o) => o.metadata.name.startsWith('cdn-secrets'))!;
const ADMIN = { authorization: `Bearer ${configValue(secrets, 'admin-tokens')!.split('\n')[0]}` };

/** The metric names an alerting rule's expression uses (label names and functions are lower case without the prefix). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(cdn_[a-z_]+)\b/g)].map((m) => m[1]);
}

describe('deploy/k8s (the base), started as a kubelet would', () => {
  let cluster: LocalCluster;
  let origin: Origin;
  const controlPlane = () => cluster.serviceUrl('cdn-control-plane', 'http');

  beforeAll(async () => {
    origin = await startCacheableOrigin('node1');
    cluster = await startLocalCluster(objects, readDockerfile());
    await cluster.allReady(90_000);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await origin?.close();
  });

  it('starts every replica: three NATS servers, Redis, every control plane and two edges', () => {
    const count = (workload: string) => cluster.of(workload).length;
    expect({ nats: count('cdn-nats'), redis: count('cdn-redis'), controlPlanes: count('cdn-control-plane'), edges: count('cdn-edge') }).toEqual({
      nats: 3,
      redis: 1,
      controlPlanes: workloads(objects).find((w) => w.name === 'cdn-control-plane')!.replicas,
      edges: 2,
    });
  });

  it('every container becomes ready by its readiness probe and is found live by its liveness probe', async () => {
    expect(cluster.containers.filter((c) => !c.probes.ready || c.probes.killedBecause || c.process.child.exitCode !== null).map((c) => c.process.name)).toEqual([]);
    // A liveness probe may fail while a program starts (fewer than failureThreshold times): wait for its next round.
    const longest = Math.max(...cluster.containers.map((c) => c.spec.livenessProbe.periodSeconds ?? 10));
    const passed = (c: (typeof cluster.containers)[number]) => new Set(c.probes.history.filter((h) => h.ok).map((h) => h.kind));
    await eventually(() => cluster.containers.every((c) => passed(c).has('liveness')), (longest + 5) * 1000, 200);
    for (const c of cluster.containers) {
      expect([...passed(c)].sort(), c.process.name).toEqual(c.spec.startupProbe ? ['liveness', 'readiness', 'startup'] : ['liveness', 'readiness']);
      expect(c.probes.killedBecause, c.process.name).toBeUndefined();
    }
  }, 60_000);

  it('the NATS servers form one JetStream cluster of three by the routes of their configuration', async () => {
    for (const nats of cluster.of('cdn-nats')) {
      const monitor = `http://127.0.0.1:${cluster.network.hostPort(nats.pod, 'monitor')}`;
      const routes = (await get(`${monitor}/routez`)).body;
      expect(routes.num_routes, nats.pod).toBe(2);
      const jsz = await eventually(async () => {
        const body = (await get(`${monitor}/jsz`)).body;
        return body.meta_cluster?.leader ? body : undefined;
      }, 10_000);
      expect(jsz.meta_cluster.cluster_size, nats.pod).toBe(3);
    }
  });

  it('the control plane\'s Service answers the admin API with the Secret\'s token only, JSON either way', async () => {
    const refused = await get(`${controlPlane()}/nodes`);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'unauthorized' });
    expect((await get(`${controlPlane()}/nodes`, { headers: ADMIN })).body).toEqual({ nodes: [] });
  });

  it('the edges report to the control plane, each under its pod\'s name', async () => {
    const pods = cluster.of('cdn-edge').map((e) => e.pod).sort();
    await eventually(async () => {
      const { edges } = (await get(`${controlPlane()}/edges`, { headers: ADMIN })).body;
      return JSON.stringify(edges?.map((e: { id: string }) => e.id).sort()) === JSON.stringify(pods);
    }, 10_000);
  });

  it('the edges\' public Service answers /cdn, /healthz and /readyz, but no admin API and no /metrics', async () => {
    for (const nth of [0, 1]) {
      const edge = cluster.serviceUrl('cdn-edge', 'http', nth);
      expect((await get(`${edge}/healthz`)).status).toBe(200);
      expect((await get(`${edge}/readyz`)).status).toBe(200);
      expect((await get(`${edge}/cdn/anything`)).body).toMatchObject({ error: 'no_active_node' });
      for (const [method, pathname] of [['GET', '/nodes'], ['POST', '/register_node'], ['GET', '/edges'], ['POST', '/cache/purge'], ['GET', '/metrics']]) {
        const answer = method === 'GET' ? await get(`${edge}${pathname}`, { headers: ADMIN }) : await post(`${edge}${pathname}`, {}, { headers: ADMIN });
        expect(answer.status, `${method} ${pathname}`).toBe(404);
        expect(answer.body.error, `${method} ${pathname}`).toBeDefined();
      }
    }
  });

  it('Prometheus finds every program\'s metrics where the annotations say, with every metric the alerting rules of the prometheus-operator overlay use', async () => {
    const exposed = new Set<string>();
    for (const c of cluster.containers.filter((x) => x.workload.template.metadata.annotations?.['prometheus.io/scrape'] === 'true')) {
      const { 'prometheus.io/port': port, 'prometheus.io/path': path } = c.workload.template.metadata.annotations!;
      const answer = await get(`http://127.0.0.1:${cluster.network.hostPort(c.pod, Number(port))}${path}`);
      expect(answer.status, c.process.name).toBe(200);
      for (const m of answer.text.matchAll(/^# TYPE (\S+)/gm)) exposed.add(m[1]);
    }
    const rules = ofKind(render('overlays/prometheus-operator'), 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules));
    const used = [...new Set(rules.flatMap((r: { expr: string }) => metricNames(r.expr)))];
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('the edges are connected to Redis with the Secret\'s password', () => {
    const [redis] = cluster.of('cdn-redis');
    const port = String(cluster.network.hostPort(redis.pod, 'redis'));
    const clients = spawnSync('redis-cli', ['-p', port, '--no-auth-warning', '-a', redis.env.REDIS_PASSWORD, 'CLIENT', 'LIST'], { encoding: 'utf8' });
    expect(clients.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(3);
    expect(spawnSync('redis-cli', ['-p', port, 'PING'], { encoding: 'utf8' }).stdout).toMatch(/NOAUTH/);
  });

  it('NATS has refused nothing the control planes and the edges did', () => {
    for (const nats of cluster.of('cdn-nats')) expect(nats.process.output, nats.pod).not.toMatch(/Violation/);
  });

  // The replicas share the node table in JetStream (cdn_nodes, cdn_cluster) and only the leader writes the routing.
  it('with every control-plane replica running, a registered node takes traffic through both edges, shared through Redis, and no replica undoes another\'s routing', async () => {
    const registered = await post(`${controlPlane()}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 }, { headers: ADMIN });
    expect(registered.status).toBe(200);
    const [first, second] = [0, 1].map((nth) => cluster.serviceUrl('cdn-edge', 'http', nth));
    for (const edge of [first, second]) await eventually(async () => (await get(`${edge}/cdn/warm`)).status === 200, 10_000);
    const miss = await get(`${first}/cdn/shared.txt`);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    // Stored in Redis off the request path; then the other edge, which has nothing in memory, finds it there.
    const [redis] = cluster.of('cdn-redis');
    const redisKeys = () => spawnSync('redis-cli', ['-p', String(cluster.network.hostPort(redis.pod, 'redis')), '--no-auth-warning', '-a', redis.env.REDIS_PASSWORD, '--scan'], { encoding: 'utf8' }).stdout;
    await eventually(() => redisKeys().includes('/cdn/shared.txt'), 5_000);
    expect((await get(`${second}/cdn/shared.txt`)).headers.get('x-cache')).toBe('HIT');
    expect(origin.requests.filter((r) => r.url === '/shared.txt')).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      expect((await get(`${[first, second][i % 2]}/cdn/steady-${i}`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    const undone = cluster.of('cdn-control-plane').filter((c) => /was not written by the control plane/.test(c.process.output));
    expect(undone.map((c) => c.pod)).toEqual([]);
  }, 30_000);
});
