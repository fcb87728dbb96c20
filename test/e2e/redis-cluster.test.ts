/**
 * An edge (the built program, a real process) whose shared tier is a real Redis Cluster of three masters with a
 * replica each, started with --cluster-enabled yes; the control plane over NATS. The edge's memory is kept smaller
 * than any answer, so every HIT here comes from Redis.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { type Origin, startOrigin } from '../support/origin';
import { eventually, freePort } from '../support/ports';
import { APPS, type Running, startApp, startNats, stopAll, tempDir } from '../support/processes';
import { type RedisCluster, startRedisCluster } from '../support/redis-cluster';

type App = Running & { port: number; url: string };

/** Every answer is 4 KiB: more than the edge's memory tier (1 KiB) holds. */
const bodyOf = (path: string) => `body of ${path}`.padEnd(4_096, '.');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function originHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = new URL(req.url!, 'http://origin').pathname;
  const tags = path.startsWith('/p/img/') ? { 'surrogate-key': 'images' } : {};
  res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=300', ...tags });
  res.end(bodyOf(path));
}

/** One request through the edge and what came back. */
interface Sample {
  path: string;
  startedAt: number;
  ms: number;
  status: number;
  correct: boolean;
  cache: string;
}

describe('the shared tier on a Redis Cluster', () => {
  let cluster: RedisCluster;
  let origin: Origin;
  let controlPlane: App;
  let edge: App;

  beforeAll(async () => {
    const nats = await startNats();
    [cluster, origin] = await Promise.all([startRedisCluster(), startOrigin('origin', originHandler)]);
    controlPlane = await startApp('controlPlane', ['--nats-url', nats.url]);
    edge = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-c', '--cache-redis-url', cluster.url, '--cache-redis-cluster', '--cache-max-bytes', '1KiB']);
    await post(`${controlPlane.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${edge.url}/cdn/ping`)).status === 200, 15_000);
    await eventually(() => edge.output.includes('Shared cache connected to redis://127.0.0.1:'), 10_000);
  }, 120_000);

  afterAll(async () => {
    await stopAll();
    await origin?.close();
  });

  /** Requests every path until each is a HIT (the edge writes to Redis after answering). */
  async function cached(paths: string[]): Promise<void> {
    for (const path of paths) await eventually(async () => (await get(`${edge.url}/cdn${path}`)).headers.get('x-cache') === 'HIT', 5_000, 20);
  }

  /** The paths whose entries each master holds, as SCAN on the masters finds them. */
  async function pathsByMaster(): Promise<Map<number, string[]>> {
    const byMaster = new Map<number, string[]>();
    for (const port of await cluster.masterPorts()) {
      const keys = (await cluster.cli(port, '--scan', '--pattern', 'cdn:entry:*')).split('\n').filter(Boolean);
      byMaster.set(port, keys.map((key) => /\{\/cdn(\/[^}]*)\}/.exec(key)![1]));
    }
    return byMaster;
  }

  async function purge(match: object): Promise<number> {
    const accepted = await post(`${controlPlane.url}/cache/purge`, match);
    const done = await eventually(async () => {
      const { body } = await get(`${controlPlane.url}/operations/${accepted.body.operation_id}`);
      return body.complete ? body : undefined;
    }, 10_000);
    expect(done.receipts.every((receipt: any) => receipt.applied && receipt.errors.length === 0)).toBe(true);
    return done.receipts.reduce((sum: number, receipt: any) => sum + receipt.entries_affected, 0);
  }

  it('purges by URL, prefix and tag across every master', async () => {
    const images = Array.from({ length: 30 }, (_, i) => `/p/img/${i}`);
    const styles = Array.from({ length: 30 }, (_, i) => `/p/css/${i}`);
    const kept = Array.from({ length: 10 }, (_, i) => `/p/keep/${i}`);
    await cached([...images, ...styles, ...kept]);
    const byMaster = await pathsByMaster();
    for (const group of [images, styles]) expect([...byMaster.values()].filter((paths) => paths.some((path) => group.includes(path)))).toHaveLength(3);

    expect(await purge({ urls: [styles[0]] })).toBe(1);
    expect(await purge({ tags: ['images'] })).toBe(30);
    expect(await purge({ prefixes: ['/p/css/'] })).toBe(29);
    for (const path of [...images, ...styles]) expect((await get(`${edge.url}/cdn${path}`)).headers.get('x-cache')).toBe('MISS');
    for (const path of kept) expect((await get(`${edge.url}/cdn${path}`)).headers.get('x-cache')).toBe('HIT');
  });

  it('a master failing over under traffic: the edge fails open and recovers', async () => {
    const paths = Array.from({ length: 150 }, (_, i) => `/k/${i}`);
    await cached(paths);
    await cluster.waitForReplicas();
    const byMaster = await pathsByMaster();
    const [victimPort, lostPaths] = [...byMaster].find(([, held]) => held.includes('/k/0'))!;
    const lost = new Set(lostPaths.filter((path) => path.startsWith('/k/')));
    const victim = cluster.nodes.find((node) => node.port === victimPort)!;
    const metricsBefore = await scrape();

    // Six clients ask for the 150 paths in turn, as fast as the edge answers.
    const samples: Sample[] = [];
    let running = true;
    let next = 0;
    const client = async () => {
      while (running) {
        const path = paths[next++ % paths.length];
        const startedAt = performance.now();
        const answer = await get(`${edge.url}/cdn${path}`);
        samples.push({ path, startedAt, ms: performance.now() - startedAt, status: answer.status, correct: answer.text === bodyOf(path), cache: answer.headers.get('x-cache') ?? '' });
      }
    };
    const clients = Array.from({ length: 6 }, client);
    await sleep(1_000);
    const killedAt = performance.now();
    await victim.process.stop('SIGKILL');
    // Hits from Redis resume for the lost master's paths once the cluster has promoted its replica and the edge has found it.
    const firstHit = (await eventually(() => samples.find((s) => s.startedAt > killedAt && lost.has(s.path) && s.cache === 'HIT'), 30_000, 20))!;
    await sleep(2_000);
    running = false;
    await Promise.all(clients);

    // Every client request got the right answer: from Redis, or from the node while its part of Redis was away.
    expect(samples.filter((s) => s.status !== 200 || !s.correct)).toEqual([]);
    const gapMs = firstHit.startedAt - killedAt;
    const window = (from: number, to: number, only?: Set<string>) => {
      const picked = samples.filter((s) => s.startedAt >= from && s.startedAt < to && (!only || only.has(s.path)));
      return { requests: picked.length, hitRate: picked.filter((s) => s.cache === 'HIT').length / Math.max(picked.length, 1), slowestMs: Math.max(0, ...picked.map((s) => s.ms)) };
    };
    // Requests started just before the kill may be answered after it.
    const before = window(0, killedAt - 100);
    const during = window(killedAt, firstHit.startedAt);
    const duringLost = window(killedAt, firstHit.startedAt, lost);
    const duringKept = window(killedAt, firstHit.startedAt, new Set(paths.filter((path) => !lost.has(path))));
    const after = window(firstHit.startedAt + 500, Infinity);
    const episode = /Shared cache available again at .* after (\d+\.\d) s/.exec(edge.output)?.[1];
    const metrics = await scrape();
    const counted = (name: string) => (metrics.get(name) ?? 0) - (metricsBefore.get(name) ?? 0);
    const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;
    console.log(
      `[cluster failover under traffic] ${samples.length} requests, 6 clients, ${lost.size} of ${paths.length} paths on the killed master; ` +
        `lost master's paths hit Redis again ${gapMs.toFixed(0)} ms after kill -9 (edge log: shared tier partly unavailable for ${episode} s; cluster-node-timeout 1000 ms). ` +
        `Hit rate before ${pct(before.hitRate)} (${before.requests} req), during ${pct(during.hitRate)} (${during.requests} req; the lost master's paths ${pct(duringLost.hitRate)}, the others ${pct(duringKept.hitRate)}), ` +
        `after ${pct(after.hitRate)} (${after.requests} req). Slowest answer during: ${during.slowestMs.toFixed(0)} ms. ` +
        `Counted: shared lookups unavailable ${counted('cdn_edge_cache_lookups_total{tier="shared",result="unavailable"}')}, ` +
        `shared failures ${counted('failures')} (${[...metrics.keys()].filter((name) => name.startsWith('cdn_edge_cache_shared_failures_total{')).map((name) => `${name.slice('cdn_edge_cache_shared_failures_total'.length)} ${counted(name)}`).join(', ')}), ` +
        `topology changes ${counted('cdn_edge_cache_shared_topology_changes_total')}`,
    );

    // Hit rates are the edge's business, give or take a lookup that missed its 50 ms deadline on a busy machine.
    expect(before.hitRate).toBeGreaterThan(0.9);
    expect(after.hitRate).toBeGreaterThan(0.95);
    expect(duringLost.hitRate).toBe(0);
    // Each outage episode is told once when it begins and once when it ends: the master's loss (or, on a busy
    // machine, lookups that timed out just before it, which the loss then joins) and its end.
    const opened = edge.output.match(/WARNING .*Shared cache (partly )?unavailable: .*/g) ?? [];
    const ended = edge.output.match(/INFO .*Shared cache available again at .*/g) ?? [];
    console.log([...opened, ...ended].join('\n'));
    expect(opened.length).toBeGreaterThanOrEqual(1);
    expect(ended).toHaveLength(opened.length);
    for (const line of opened) expect(line).toMatch(new RegExp(`partly unavailable: 127\\.0\\.0\\.1:${victimPort} \\(slots [0-9,-]+\\) unreachable|unavailable: no answer within 50 ms`));
    expect(edge.output).not.toMatch(/ERROR/);
    expect(counted('cdn_edge_cache_shared_topology_changes_total')).toBe(1);
    expect(counted('cdn_edge_cache_lookups_total{tier="shared",result="unavailable"}')).toBeGreaterThan(0);
  });

  /** The edge's metrics as name{labels} → value; `failures` sums cdn_edge_cache_shared_failures_total. */
  async function scrape(): Promise<Map<string, number>> {
    const metrics = new Map<string, number>();
    let failures = 0;
    for (const line of (await get(`${edge.url}/metrics`)).text.split('\n')) {
      const match = /^(cdn_edge_[^ ]+) ([0-9.e+-]+)$/.exec(line);
      if (!match) continue;
      metrics.set(match[1], Number(match[2]));
      if (match[1].startsWith('cdn_edge_cache_shared_failures_total')) failures += Number(match[2]);
    }
    metrics.set('failures', failures);
    return metrics;
  }
});

describe('pointing the edge at a Redis Cluster', () => {
  it.each([
    [['--cache-redis-url', 'redis://10.0.0.1:7000,redis://10.0.0.2:7000'], '--cache-redis-url names 2 servers: add --cache-redis-cluster if they are nodes of one Redis Cluster (one server takes one URL)'],
    [['--cache-redis-cluster'], '--cache-redis-cluster needs --cache-redis-url naming one or more nodes of the cluster'],
  ])('stops the start with one line naming the flag, given %j', async (args, message) => {
    const result = spawnSync(process.execPath, [APPS.edge, '--host', '127.0.0.1', '--port', String(await freePort()), '--nats-url', 'nats://127.0.0.1:1', '--log-file', '-', ...args], {
      cwd: tempDir(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`cdn-edge: error: ${message}`);
  });
});
