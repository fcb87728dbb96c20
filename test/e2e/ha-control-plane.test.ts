/**
 * Control-plane replicas over one real nats-server with JetStream: three replicas, two edges and a real
 * origin, all separate processes. The leader is killed (SIGKILL) or paused (SIGSTOP) under steady admin
 * writes spread over every replica and steady client traffic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post } from '../support/http';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { Running, startApp, startNats, stopAll } from '../support/processes';
import { metric } from '../support/metrics';

type App = Running & { port: number; url: string };
type Replica = App & { id: string };

const LEASE_SECONDS = 3;
const HEALTH_INTERVAL_SECONDS = 1;
const NODE_TIMEOUT_SECONDS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startReplica(natsUrl: string, id: string, extra: string[] = []): Promise<Replica> {
  const app = await startApp('controlPlane', [
    '--nats-url', natsUrl,
    '--replica-id', id,
    '--leader-lease', String(LEASE_SECONDS),
    '--health-interval', String(HEALTH_INTERVAL_SECONDS),
    '--node-timeout', String(NODE_TIMEOUT_SECONDS),
    ...extra,
  ]);
  return Object.assign(app, { id });
}

async function leaderSeenBy(replica: Replica): Promise<string | null | undefined> {
  const answer = await get(`${replica.url}/cluster`).catch(() => undefined);
  return answer?.status === 200 ? answer.body.leader : undefined;
}

/** The replica every given replica names as the leader, once they agree. */
async function agreedLeader(replicas: Replica[], timeoutMs = 10_000): Promise<Replica> {
  return eventually(async () => {
    const seen = await Promise.all(replicas.map(leaderSeenBy));
    const leader = replicas.find((r) => r.id === seen[0]);
    return seen.every((s) => s === seen[0]) && leader ? leader : undefined;
  }, timeoutMs, 50).then((leader) => leader!);
}

/** Successful probes of every node, as this replica counts them. */
async function probeSuccesses(app: App): Promise<number> {
  const lines = (await get(`${app.url}/metrics`)).text.split('\n').filter((l) => l.startsWith('cdn_cp_probes_total{') && l.includes('result="success"'));
  return lines.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
}

async function nodeIds(replica: Replica): Promise<Set<string>> {
  return new Set((await get(`${replica.url}/nodes`)).body.nodes.map((n: { id: string }) => n.id));
}

/** Client GETs through the edges until stopped; every answer that is not a 200 is kept. */
function clientTraffic(edges: App[], clients = 4): { stop(): Promise<{ sent: number; failures: string[] }> } {
  let running = true;
  let sent = 0;
  const failures: string[] = [];
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; running; i++) {
      const edge = edges[(c + i) % edges.length];
      sent++;
      try {
        const answer = await get(`${edge.url}/cdn/ha-${c}-${i}`);
        if (answer.status !== 200) failures.push(`${edge.url} ${answer.status} ${answer.text.slice(0, 200)}`);
      } catch (err) {
        failures.push(`${edge.url} ${(err as Error).message}`);
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { sent, failures };
    },
  };
}

/** Heartbeats for `id` every `everyMs`, to each replica in turn; a replica that does not answer is skipped. */
function heartbeats(replicas: () => Replica[], id: string, everyMs: number): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const live = replicas();
      await post(`${live[i % live.length].url}/heartbeat/${id}`, {}).catch(() => undefined);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('three control-plane replicas, two edges: the leader is killed under load', () => {
  let natsUrl: string;
  let origin: Origin;
  let alerts: Origin;
  let replicas: Replica[];
  let edges: App[];

  beforeAll(async () => {
    natsUrl = (await startNats()).url;
    origin = await startOrigin('origin');
    alerts = await startOrigin('alerts');
    const alerting = ['--alert-webhook', `${alerts.url}/alerts`, '--alert-delay', '0'];
    replicas = await Promise.all(['cp-a', 'cp-b', 'cp-c'].map((id) => startReplica(natsUrl, id, alerting)));
    edges = await Promise.all(['edge-a', 'edge-b'].map((id) => startApp('edge', ['--nats-url', natsUrl, '--edge-id', id, '--disable-cache'])));
    await agreedLeader(replicas);
    expect((await post(`${replicas[0].url}/register_node`, { id: 'origin-node', url: origin.url, location: 'Beijing', capacity: 1000 })).status).toBe(200);
    await Promise.all(edges.map((edge) => eventually(async () => (await get(`${edge.url}/cdn/warm-up`)).status === 200, 10_000, 50)));
  });

  afterAll(async () => {
    await stopAll();
    await origin.close();
    await alerts.close();
  });

  it('GET /cluster: every replica names the same leader and lists all three', async () => {
    const leader = await agreedLeader(replicas);
    for (const replica of replicas) {
      // Announcements are read every third of a lease.
      const body = await eventually(async () => {
        const answer = (await get(`${replica.url}/cluster`)).body;
        return answer.replicas.length === 3 ? answer : undefined;
      }, 5_000, 100);
      expect(body.self).toBe(replica.id);
      expect(body.leader).toBe(leader.id);
      expect(body.replicas.map((r: { id: string }) => r.id)).toEqual(['cp-a', 'cp-b', 'cp-c']);
      expect(body.replicas.find((r: { id: string }) => r.id === leader.id).role).toBe('leader');
      expect(Date.parse(body.lease_expires_at)).toBeGreaterThan(Date.now() - 1_000);
    }
    expect(await metric(leader, 'cdn_cp_is_leader')).toBe(1);
    expect((await get(`${leader.url}/metrics`)).text).toContain(`cdn_cp_leader{replica="${leader.id}"} 1`);
    for (const follower of replicas.filter((r) => r !== leader)) expect(await metric(follower, 'cdn_cp_is_leader')).toBe(0);
  });

  it('loses no answered write, takes over within the lease plus one health interval, and no client GET fails', async () => {
    const leader = await agreedLeader(replicas);
    const survivors = replicas.filter((r) => r !== leader);
    let alive = [...replicas];
    const traffic = clientTraffic(edges);
    const keepAlive = heartbeats(() => alive, 'origin-node', 300);
    // A node that heartbeats until the leader dies, then never again: the new leader must still time it out.
    expect((await post(`${survivors[0].url}/register_node`, { id: 'goes-quiet', url: origin.url, location: 'Beijing', capacity: 1 })).status).toBe(200);
    const quiet = heartbeats(() => alive, 'goes-quiet', 300);

    // Registrations one after another, to each replica in turn (the doomed leader included until it dies).
    const answered: string[] = [];
    let failedWrites = 0;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const id = `w-${i}`;
        const replica = alive[i % alive.length];
        const answer = await post(`${replica.url}/register_node`, { id, url: origin.url, location: 'Beijing', capacity: 10 }).catch(() => undefined);
        if (answer?.status === 200) answered.push(id);
        else failedWrites++;
      }
    })();

    await sleep(1_500);
    await quiet.stop();
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    alive = survivors;
    // Watched from the kill on: the node whose heartbeats stopped goes inactive under the new leader.
    const quietInactive = eventually(async () => ((await get(`${survivors[0].url}/nodes/goes-quiet`)).body.status === 'inactive' ? Date.now() : undefined), 15_000, 50);
    const newLeader = await agreedLeader(survivors, 15_000);
    const takeoverMs = Date.now() - killedAt;
    await sleep(2_000);
    writing = false;
    await writer;
    await keepAlive.stop();
    const { sent, failures } = await traffic.stop();

    const inactiveAt = await quietInactive;
    // Every write that got a 200 is on every surviving replica.
    for (const replica of survivors) {
      await eventually(async () => {
        const ids = await nodeIds(replica);
        return answered.every((id) => ids.has(id));
      }, 5_000);
    }
    console.log(
      `[leader killed] takeover ${takeoverMs} ms (lease ${LEASE_SECONDS} s, health interval ${HEALTH_INTERVAL_SECONDS} s); ${answered.length} writes answered 200, 0 lost, ${failedWrites} refused or unanswered; ` +
        `quiet node inactive ${inactiveAt! - killedAt} ms after the kill (node timeout ${NODE_TIMEOUT_SECONDS} s); client GETs ${sent}, failed ${failures.length}`,
    );
    expect(newLeader).not.toBe(leader);
    expect(takeoverMs).toBeLessThanOrEqual((LEASE_SECONDS + HEALTH_INTERVAL_SECONDS) * 1000);
    expect(failures).toEqual([]);
    expect(answered.length).toBeGreaterThan(20);
    // The new leader announces no node the old one had announced: one node_down per node, whoever sent it.
    const downs = alerts.requests.map((r) => JSON.parse(r.body.toString('utf8'))).filter((a) => a.event === 'node_down').map((a) => a.node as string);
    expect(downs.length).toBeGreaterThan(0);
    expect(downs.filter((node, i) => downs.indexOf(node) !== i)).toEqual([]);
    expect(downs).toContain('goes-quiet');
    // A write answered after the take-over reaches the edges too: the new leader publishes.
    expect((await post(`${survivors[1].url}/register_node`, { id: 'after-takeover', url: origin.url, location: 'Beijing', capacity: 1000 })).status).toBe(200);
    await eventually(async () => (await get(`${survivors[0].url}/edges`)).body.edges.every((e: { lag: number }) => e.lag === 0), 5_000);
  });
});

describe('two replicas changing the same node at the same moment', () => {
  let replicas: Replica[];

  beforeAll(async () => {
    const natsUrl = (await startNats()).url;
    replicas = await Promise.all(['cp-x', 'cp-y'].map((id) => startReplica(natsUrl, id)));
    await agreedLeader(replicas);
  });

  afterAll(() => stopAll());

  it('lose no update: one sets the capacity while the other records a load, 50 times', async () => {
    const [x, y] = replicas;
    const node = { id: 'shared', url: 'http://127.0.0.1:9', location: 'Beijing' };
    expect((await post(`${x.url}/register_node`, { ...node, capacity: 1 })).status).toBe(200);
    await eventually(async () => (await get(`${y.url}/nodes/shared`)).status === 200, 5_000);
    let conflicts = 0;
    for (let i = 2; i <= 51; i++) {
      const [registered, beat] = await Promise.all([post(`${x.url}/register_node`, { ...node, capacity: i }), post(`${y.url}/heartbeat/shared`, { current_load: i })]);
      expect([registered.status, beat.status]).toEqual([200, 200]);
      for (const replica of replicas) {
        await eventually(async () => {
          const { body } = await get(`${replica.url}/nodes/shared`);
          return body.capacity === i && body.current_load === i;
        }, 3_000, 10);
      }
    }
    conflicts = (await metric(x, 'cdn_cp_node_writes_total{result="conflict"}')) + (await metric(y, 'cdn_cp_node_writes_total{result="conflict"}'));
    console.log(`[same node, two replicas] 50 rounds, no update lost; compare-and-set conflicts retried: ${conflicts}`);
  });
});

describe('a leader paused past its lease', () => {
  let replicas: Replica[];
  let origin: Origin;

  beforeAll(async () => {
    const natsUrl = (await startNats()).url;
    origin = await startOrigin('origin');
    replicas = await Promise.all(['cp-p', 'cp-q'].map((id) => startReplica(natsUrl, id)));
  });

  afterAll(async () => {
    for (const r of replicas) r.child.kill('SIGCONT');
    await stopAll();
    await origin.close();
  });

  it('is replaced, and on its return steps down without probing or publishing', async () => {
    const paused = await agreedLeader(replicas);
    const other = replicas.find((r) => r !== paused)!;
    await post(`${other.url}/register_node`, { id: 'probed', url: origin.url, location: 'Beijing', capacity: 10, heartbeat_interval: 60 });
    await eventually(async () => (await probeSuccesses(paused)) > 0, 5_000);

    paused.child.kill('SIGSTOP');
    await agreedLeader([other], 10_000).then((leader) => expect(leader).toBe(other));
    await sleep(1_000);
    paused.child.kill('SIGCONT');

    await eventually(() => /Replica cp-\w is no longer the leader/.test(paused.output), 5_000);
    const probes = await probeSuccesses(paused);
    const publishes = (await get(`${paused.url}/metrics`)).text;
    await post(`${paused.url}/register_node`, { id: 'while-following', url: origin.url, location: 'Beijing', capacity: 10 });
    await sleep(2 * HEALTH_INTERVAL_SECONDS * 1000 + 500);
    expect(await metric(paused, 'cdn_cp_is_leader')).toBe(0);
    expect(await probeSuccesses(paused)).toBe(probes);
    expect((await get(`${paused.url}/metrics`)).text.split('\n').filter((l) => l.startsWith('cdn_cp_routing_publishes_total'))).toEqual(
      publishes.split('\n').filter((l) => l.startsWith('cdn_cp_routing_publishes_total')),
    );
    expect((await get(`${paused.url}/cluster`)).body.leader).toBe(other.id);
    // The registration it took reached the node bucket, and the leader published it.
    await eventually(async () => (await get(`${other.url}/nodes/while-following`)).status === 200, 5_000);
  });
});
