/**
 * The split deployment on a three-node NATS cluster (three nats-server processes with routes, R3 buckets): two
 * control-plane replicas and two edges given every server, a real origin, all separate processes. One NATS server
 * is killed under steady admin writes, heartbeats and client traffic.
 */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { nodeKey } from '@cdn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { type NatsCluster, startNatsCluster } from '../support/nats-cluster';
import { type Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { type Running, startApp, stopAll } from '../support/processes';

type App = Running & { port: number; url: string };
type Replica = App & { id: string };

const BUCKET_STREAMS = ['KV_cdn_nodes', 'KV_cdn_routing', 'KV_cdn_cluster'];
/**
 * Longer than the default 10 s: a NATS stream whose leader is killed takes no write until its followers elect
 * another, after a randomized 4-9 s Raft election timeout, so no heartbeat can be stored meanwhile.
 */
const NODE_TIMEOUT_SECONDS = 20;
/** No request of the load may hang the test: a control plane waits at most 5 s for NATS. */
const REQUEST_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One request of the load: when it started and ended (ms since the load began) and how it went. */
interface Attempt {
  id: string;
  via: string;
  startedAt: number;
  endedAt: number;
  ok: boolean;
  detail: string;
}

/** The longest time between two successful attempts that ended in [from, to], and the failures that ended within it. */
function longestGap(attempts: Attempt[], from: number, to: number): { ms: number; failed: number; between: [number, number] } {
  const ended = attempts.filter((a) => a.endedAt >= from && a.endedAt <= to).sort((a, b) => a.endedAt - b.endedAt);
  let gap = { ms: 0, failed: 0, between: [from, from] as [number, number] };
  let last: number | undefined;
  for (const attempt of ended) {
    if (!attempt.ok) continue;
    if (last !== undefined && attempt.endedAt - last > gap.ms) {
      const since = last;
      gap = { ms: attempt.endedAt - since, failed: ended.filter((a) => !a.ok && a.endedAt > since && a.endedAt <= attempt.endedAt).length, between: [since, attempt.endedAt] };
    }
    last = attempt.endedAt;
  }
  return gap;
}

async function nodeIds(replica: Replica): Promise<Set<string>> {
  return new Set((await get(`${replica.url}/nodes`)).body.nodes.map((n: { id: string }) => n.id));
}

/** The leader a replica names, or why GET /cluster failed. */
async function leaderSeenBy(replica: Replica): Promise<string> {
  const answer = await get(`${replica.url}/cluster`);
  return answer.status === 200 ? String(answer.body.leader) : `none known (GET /cluster: ${answer.status} ${answer.text.slice(0, 200)})`;
}

describe('control-plane replicas and edges on a three-node NATS cluster', () => {
  let cluster: NatsCluster;
  let origin: Origin;
  let replicas: Replica[];
  let edges: App[];
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    [cluster, origin] = await Promise.all([startNatsCluster(), startOrigin('origin')]);
    const startReplica = async (id: string): Promise<Replica> => {
      const args = ['--nats-url', cluster.url, '--nats-replicas', '3', '--replica-id', id, '--health-interval', '1', '--node-timeout', String(NODE_TIMEOUT_SECONDS)];
      return Object.assign(await startApp('controlPlane', args), { id });
    };
    replicas = await Promise.all([startReplica('cp-a'), startReplica('cp-b')]);
    edges = await Promise.all(['edge-a', 'edge-b'].map((id) => startApp('edge', ['--nats-url', cluster.url, '--edge-id', id])));
    await eventually(async () => (await post(`${replicas[0].url}/register_node`, { id: 'traffic', url: origin.url, location: 'Beijing', capacity: 100 })).status === 200, 30_000, 200).catch((err) => {
      throw new Error(`${err}\n${replicas.map((r) => `${r.id} (exit ${r.child.exitCode}):\n${r.output}`).join('\n')}`);
    });
    await Promise.all(edges.map((edge) => eventually(async () => (await get(`${edge.url}/cdn/ready`)).status === 200, 15_000, 50)));
    // Every replica has read the node bucket (a watch may need a retry while the cluster settles).
    await Promise.all(replicas.map((replica) => eventually(async () => (await get(`${replica.url}/readyz`)).status === 200, 30_000, 100)));
    nc = await connect({ servers: cluster.servers.map((s) => s.url), maxReconnectAttempts: -1 });
    jsm = await jetstreamManager(nc);
  }, 60_000);

  afterAll(async () => {
    await nc?.close();
    await stopAll();
    await origin?.close();
  });

  it('keeps the node, routing and cluster buckets in three replicas, all current', async () => {
    for (const name of BUCKET_STREAMS) {
      const info = await jsm.streams.info(name);
      expect(info.config.num_replicas, name).toBe(3);
      expect(info.cluster?.leader, name).toMatch(/^n[123]$/);
      expect(info.cluster?.replicas?.map((r) => r.current), name).toEqual([true, true]);
    }
  });

  // A watch's consumer lives on one NATS server, not necessarily the one its replica is connected to: when that
  // server stops, the watch receives nothing more and no error. Deleting the consumers makes that happen for sure,
  // and before any server is down (these two tests run before the one that kills a server): nats-server before 2.12 may place a new watch's consumer on a server that is
  // down (nats-io/nats-server#7165), and such a watch is only retried after a 5 s timeout.
  it('a replica whose bucket watch lost its consumer catches up within two watch checks (5 s each)', async () => {
    const consumers: string[] = [];
    for await (const info of jsm.consumers.list('KV_cdn_nodes')) consumers.push(info.name);
    for (const name of consumers) await jsm.consumers.delete('KV_cdn_nodes', name);
    const lostAt = performance.now();
    // Each replica writes one node; only the other replica's watch can tell it about it.
    for (const replica of replicas) {
      const answer = await post(`${replica.url}/register_node`, { id: `after-${replica.id}`, url: origin.url, location: 'Elsewhere', capacity: 1 });
      expect(answer.status, answer.text).toBe(200);
    }
    const [seenByA, seenByB] = await Promise.all(
      replicas.map(async (replica, i) => {
        const other = `after-${replicas[1 - i].id}`;
        await eventually(async () => (await nodeIds(replica)).has(other), 15_000, 100);
        return performance.now() - lostAt;
      }),
    );
    console.log(`[watch without consumer] deleted ${consumers.length} consumer(s) of KV_cdn_nodes; the other replica's write seen by cp-a after ${seconds(seenByA)}, by cp-b after ${seconds(seenByB)}`);
    expect(consumers.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(seenByA, seenByB)).toBeLessThan(12_000);
  }, 20_000);

  it('an edge whose routing watch lost its consumer follows the routing table again within two watch checks', async () => {
    const consumers: string[] = [];
    for await (const info of jsm.consumers.list('KV_cdn_routing')) consumers.push(info.name);
    for (const name of consumers) await jsm.consumers.delete('KV_cdn_routing', name);
    const lostAt = performance.now();
    expect((await post(`${replicas[0].url}/register_node`, { id: 'after-edge-watch', url: origin.url, location: 'Elsewhere', capacity: 1 })).status).toBe(200);
    // The revision at which the leader published the node to the routing bucket.
    const routing = await new Kvm(nc).open('cdn_routing');
    const revision = await eventually(async () => (await routing.get(nodeKey('after-edge-watch')))?.revision, 5_000, 50);
    const caughtUp = await Promise.all(
      edges.map(async (edge) => {
        await eventually(async () => ((await get(`${edge.url}/readyz`)).body.revision ?? 0) >= revision!, 15_000, 100);
        return performance.now() - lostAt;
      }),
    );
    console.log(`[edge watch without consumer] deleted ${consumers.length} consumer(s) of KV_cdn_routing; edges at revision ${revision} after ${caughtUp.map(seconds).join(' and ')}`);
    expect(consumers.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...caughtUp)).toBeLessThan(12_000);
    for (const edge of edges) expect(edge.output).toMatch(/the watch of routing bucket cdn_routing got nothing for 5 s/);
  }, 20_000);

  // The hardest server to lose is the leader of KV_cdn_nodes, which every node write goes through: with kill -9 it
  // cannot hand its leadership over, and the stream takes no write until the other two elect a new leader.
  it('kill -9 of the NATS server leading KV_cdn_nodes under load loses no acknowledged write, writes resume within one election, no client GET fails', async () => {
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    let running = true;
    const registrations: Attempt[] = [];
    const heartbeats: Attempt[] = [];
    const clientFailures: string[] = [];
    let clientRequests = 0;

    const attempt = async (log: Attempt[], id: string, via: Replica, path: string, body: unknown): Promise<void> => {
      const startedAt = now();
      const answer = await post(`${via.url}${path}`, body, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch((err: Error) => ({ status: 0, text: err.message }));
      log.push({ id, via: via.id, startedAt, endedAt: now(), ok: answer.status === 200, detail: `${answer.status} ${answer.text.slice(0, 160)}` });
    };
    // Sequential admin writes on each replica, some 15 a second each (the leader probes every node each second).
    const registering = replicas.map(async (replica) => {
      for (let n = 0; running; n++) {
        const id = `reg-${replica.id}-${n}`;
        await attempt(registrations, id, replica, '/register_node', { id, url: origin.url, location: 'Elsewhere', capacity: 1 });
        await sleep(50);
      }
    });
    // The traffic node's heartbeats, alternating between the replicas, every 300 ms.
    const beating = (async () => {
      for (let n = 0; running; n++) {
        await attempt(heartbeats, 'traffic', replicas[n % 2], '/heartbeat/traffic', { current_load: 1 });
        await sleep(300);
      }
    })();
    // Two clients per edge, each GET on a fresh path so that it goes through to the origin.
    const clients = edges.flatMap((edge) =>
      [0, 1].map(async (c) => {
        for (let n = 0; running; n++) {
          clientRequests++;
          const url = `${edge.url}/cdn/load/${c}?n=${n}`;
          const answer = await get(url, { headers: { 'X-Client-Location': 'Beijing' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch((err: Error) => ({ status: 0, text: err.message, body: undefined }));
          if (answer.status !== 200 || (answer.body as { origin?: string } | undefined)?.origin !== 'origin') clientFailures.push(`${url}: ${answer.status} ${answer.text.slice(0, 160)}`);
        }
      }),
    );

    await sleep(4_000);
    const leaderBefore = await leaderSeenBy(replicas[0]);
    const victim = cluster.named((await jsm.streams.info('KV_cdn_nodes')).cluster!.leader!);
    const metaLeader = await cluster.metaLeader();
    const killedAt = now();
    await victim.process.stop('SIGKILL');
    await sleep(12_000);
    running = false;
    await Promise.all([...registering, beating, ...clients]);
    const stoppedAt = now();

    // Every registration that got its 200 is on both replicas.
    const acknowledged = registrations.filter((a) => a.ok).map((a) => a.id);
    const missingOn = async (): Promise<string[][]> => Promise.all(replicas.map(async (replica) => ((ids) => acknowledged.filter((id) => !ids.has(id)))(await nodeIds(replica))));
    let missing = await missingOn();
    // Within a few seconds, unless a replica's watch has to start over: its new consumer may land on the dead server (above).
    await eventually(async () => (missing = await missingOn()).every((ids) => ids.length === 0), 30_000, 200).catch(() => undefined);
    const newStreamLeader = (await jsm.streams.info('KV_cdn_nodes')).cluster?.leader;
    const leaderAfter = await leaderSeenBy(replicas[0]);

    const window = [killedAt - 1_000, stoppedAt] as const;
    const registrationGap = longestGap(registrations, ...window);
    const [gapA, gapB] = replicas.map((replica) => longestGap(registrations.filter((a) => a.via === replica.id), ...window));
    const heartbeatGap = longestGap(heartbeats, ...window);
    const failed = [...registrations, ...heartbeats].filter((a) => !a.ok);
    console.log(
      `[NATS server killed under load] kill -9 of ${victim.name}, leader of KV_cdn_nodes (JetStream meta leader: ${metaLeader}${metaLeader === victim.name ? ', the same server' : ''}); ` +
        `KV_cdn_nodes then led by ${newStreamLeader}; control-plane leader ${leaderBefore} before, ${leaderAfter} after. ` +
        `Registrations: ${registrations.length}, ${acknowledged.length} acknowledged, ${registrations.length - acknowledged.length} refused; ` +
        `longest gap between two acknowledged ones ${seconds(registrationGap.ms)} (${registrationGap.failed} refused within it, from ${seconds(registrationGap.between[0] - killedAt)} to ${seconds(registrationGap.between[1] - killedAt)} after the kill; ` +
        `via cp-a ${seconds(gapA.ms)}, via cp-b ${seconds(gapB.ms)}). Heartbeats: ${heartbeats.length}, ${heartbeats.filter((a) => !a.ok).length} refused, longest gap ${seconds(heartbeatGap.ms)} (node timeout ${NODE_TIMEOUT_SECONDS} s). ` +
        `Acknowledged registrations missing afterwards: cp-a ${missing[0].length}, cp-b ${missing[1].length}. Client GETs through 2 edges: ${clientRequests}, ${clientFailures.length} failed.`,
    );
    const reasons = new Map<string, number>();
    for (const a of failed) {
      const reason = a.detail.replace(/node\.[\w-]+/g, 'node.<key>');
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    for (const [reason, count] of reasons) console.log(`  refused ${count}×: ${reason}`);

    expect(missing).toEqual([[], []]);
    expect(clientFailures).toEqual([]);
    // Writes resume once the stream has a leader again: 4-9 s of Raft election timeout, and the answer.
    expect(registrationGap.ms).toBeLessThan(11_000);
    expect(heartbeatGap.ms).toBeLessThan(11_000);
    // Each replica writes again: both got registrations through in the last seconds of the load.
    for (const replica of replicas) expect(registrations.some((a) => a.ok && a.via === replica.id && a.endedAt > stoppedAt - 3_000), replica.id).toBe(true);
  }, 60_000);
});
