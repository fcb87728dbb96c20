/** The shared tier when a master of its Redis Cluster dies: the keys of its slots fail open, the others are served, and its promoted replica is used. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../../../test/support/ports';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { useRedisCluster } from '../../../test/redis-cluster-fixture';
import { sharedKeys } from './shared-keys';

const redis = useRedisCluster();
const small = useRedisCluster({ replicasPerMaster: 0 });

/** A tier on the cluster whose log lines, failures and topology changes the test can read. */
async function observedTier(namespace: string, on = redis) {
  const lines: { level: number; msg: string }[] = [];
  const failures: string[] = [];
  const changes: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const tier = await on.connectedTier(namespace, {
    logger,
    onFailure: (kind, operation) => failures.push(`${kind}:${operation}`),
    onTopologyChange: (change) => changes.push(change),
  });
  const at = (level: number) => lines.filter((line) => line.level === level).map((line) => line.msg);
  return { tier, failures, changes, warnings: () => at(40), infos: () => at(30), errors: () => at(50), debugs: () => at(20) };
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe('shared tier on a Redis Cluster losing a master', () => {
  it('fails open for the lost master\'s keys, serves the others, and uses the promoted replica', async () => {
    const { tier, changes, warnings, infos, errors, debugs } = await observedTier('fo');
    const keys = sharedKeys('fo');
    const urls = Array.from({ length: 60 }, (_, i) => `/cdn/fo/${i}`);
    await Promise.all(urls.map((url) => tier.set(url, cacheEntry({ body: Buffer.from(url) }), 60_000)));
    // Written to each replica before the kill, so a promoted replica holds them.
    await redis.cluster.waitForReplicas();

    const victim = redis.masterOf(keys.entry(urls[0]));
    const lost = urls.filter((url) => redis.masterOf(keys.entry(url)) === victim);
    const kept = urls.filter((url) => redis.masterOf(keys.entry(url)) !== victim);
    const killed = performance.now();
    await redis.cluster.nodes.find((node) => victim.endsWith(`:${node.port}`))!.process.stop('SIGKILL');

    // At once, before the cluster itself notices (cluster-node-timeout 1 s): the lost master's keys fail fast, the others are hits.
    await eventually(() => !tier.availableFor(lost[0]), 1_000, 5);
    for (const url of lost.slice(0, 5)) {
      const { value, ms } = await timed(tier.get(url));
      expect(value).toBeUndefined();
      expect(ms).toBeLessThan(5);
    }
    for (const url of kept.slice(0, 5)) expect((await tier.get(url))?.body.toString()).toBe(url);
    expect(tier.available).toBe(true);
    expect(tier.availableFor(kept[0])).toBe(true);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(new RegExp(`^Shared cache partly unavailable: ${victim} \\(slots [0-9,-]+\\) unreachable: .+; the keys there are served from nodes$`));

    // The cluster promotes the victim's replica; the tier finds it by itself and its keys are hits again.
    await eventually(() => tier.availableFor(lost[0]), 20_000, 20);
    const recovered = performance.now() - killed;
    for (const url of urls) expect((await tier.get(url))?.body.toString()).toBe(url);
    console.log(`[L2 cluster failover] the lost master's keys were served again ${recovered.toFixed(0)} ms after kill -9 (cluster-node-timeout 1000 ms); ${infos().at(-1)}`);
    expect(infos().filter((line) => /available again/.test(line))).toEqual([expect.stringMatching(/^Shared cache available again at redis:\/\/.+ after \d+\.\d s$/)]);
    expect(warnings()).toHaveLength(1);
    expect(errors()).toEqual([]);
    // One change of the slot map: the victim's slots went to its replica; told at DEBUG and counted.
    expect(changes).toEqual([expect.stringMatching(new RegExp(`^slots [0-9]+-[0-9]+ ${victim} → 127\\.0\\.0\\.1:[0-9]+$`))]);
    expect(debugs().filter((line) => line.startsWith('Shared cache cluster slots changed: '))).toHaveLength(1);
    // And it writes there again.
    await tier.set(lost[0], cacheEntry({ body: Buffer.from('rewritten') }), 60_000);
    expect((await tier.get(lost[0]))?.body.toString()).toBe('rewritten');
  });
});

describe('shared tier on a Redis Cluster failed over by hand', () => {
  it('follows a manual failover (CLUSTER FAILOVER) through MOVED, with no outage, and counts the change', async () => {
    const { tier, failures, changes, warnings } = await observedTier('manual');
    const keys = sharedKeys('manual');
    const urls = Array.from({ length: 30 }, (_, i) => `/cdn/manual/${i}`);
    await Promise.all(urls.map((url) => tier.set(url, cacheEntry({ body: Buffer.from(url) }), 60_000)));
    await redis.cluster.waitForReplicas();
    // A replica in sync takes over from its master, which becomes its replica: no write is lost.
    const alive = redis.cluster.nodes.filter((node) => node.process.child.exitCode === null && node.process.child.signalCode === null);
    const masters = await redis.cluster.masterPorts();
    const replica = alive.find((node) => !masters.includes(node.port))!;
    expect(await redis.cluster.cli(replica.port, 'cluster', 'failover')).toMatch(/OK/);
    await eventually(async () => (await redis.cluster.masterPorts()).includes(replica.port), 10_000);
    await redis.cluster.waitUntilHealthy();

    for (const url of urls) expect((await tier.get(url))?.body.toString()).toBe(url);
    // Some of those answers came from the new master, after the old one sent the client there.
    const served: number[] = [];
    for (const url of urls) served.push((await redis.cluster.masterOf(keys.entry(url))).port);
    expect(served).toContain(replica.port);
    await eventually(() => changes.length > 0, 10_000);
    expect(changes).toEqual([expect.stringMatching(new RegExp(`^slots [0-9]+-[0-9]+ 127\\.0\\.0\\.1:[0-9]+ → 127\\.0\\.0\\.1:${replica.port}$`))]);
    expect(warnings()).toEqual([]);
    expect(failures).toEqual([]);
  });
});

describe('shared tier on a Redis Cluster that stops whole', () => {
  it('does not block the start when no seed node answers, and says so once', async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const tier = small.sharedTier('absent', { url: 'redis://127.0.0.1:1,redis://127.0.0.1:2', logger });
    expect(tier.available).toBe(false);
    const { value, ms } = await timed(tier.get('/cdn/k'));
    expect(value).toBeUndefined();
    expect(ms).toBeLessThan(5);
    await eventually(() => lines.length > 0, 3_000);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(lines.map((line) => line.msg)).toEqual([expect.stringMatching(/^Shared cache unavailable: no seed node answers \(connect ECONNREFUSED 127\.0\.0\.1:[12]\); serving from nodes$/)]);
  });

  it('fails open while no master answers, then starts over from its seed nodes when they are back', async () => {
    const { tier, warnings, infos, errors } = await observedTier('whole', small);
    await tier.set('/cdn/a', cacheEntry(), 60_000);
    const masters = small.cluster.nodes;
    await Promise.all(masters.map((node) => node.process.stop('SIGKILL')));
    await eventually(() => !tier.available, 5_000);
    const { value, ms } = await timed(tier.get('/cdn/a'));
    expect(value).toBeUndefined();
    expect(ms).toBeLessThan(5);
    // Let a few rounds of starting over fail first: they must not give up, nor log again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/^Shared cache (partly )?unavailable: .+/);

    await Promise.all(masters.map((node) => node.restart()));
    await small.cluster.waitUntilHealthy();
    await eventually(() => tier.available && tier.availableFor('/cdn/b'), 15_000);
    await tier.set('/cdn/b', cacheEntry({ body: Buffer.from('after') }), 60_000);
    expect((await tier.get('/cdn/b'))?.body.toString()).toBe('after');
    expect(warnings()).toHaveLength(1);
    expect(infos().filter((line) => /available again/.test(line))).toHaveLength(1);
    expect(errors()).toEqual([]);
  });
});
