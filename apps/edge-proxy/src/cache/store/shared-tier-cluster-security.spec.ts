/** The shared tier on Redis Clusters that want a password and speak only TLS (certificates made by openssl), and on the wrong kind of Redis for the flags. */
import fs from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../../../../../test/support/pki';
import { eventually } from '../../../../../test/support/ports';
import { startRedis, stopAll } from '../../../../../test/support/processes';
import { type RedisCluster, startRedisCluster } from '../../../../../test/support/redis-cluster';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { createSharedTier, type SharedTier, type SharedTierOptions } from './shared-tier';

const PASSWORD = 'cluster-s3cret-for-tests';
const tiers: SharedTier[] = [];

/** A tier whose log lines (raw and parsed) and failure reports the test can read. */
function observedTier(options: Omit<SharedTierOptions, 'logger'>) {
  const raw: string[] = [];
  const failures: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => raw.push(line) });
  const tier = createSharedTier({ ...options, logger, onFailure: (kind, operation) => failures.push(`${kind}:${operation}`) });
  tiers.push(tier);
  const lines = (level: number) => raw.map((line) => JSON.parse(line)).filter((line) => line.level === level).map((line) => line.msg as string);
  return { tier, failures, raw, errors: () => lines(50), infos: () => lines(30) };
}

/** Entries spread over the masters, written by one tier and read by another. */
async function roundTrip(url: string, tlsCa?: string) {
  const [a, b] = [observedTier({ url, cluster: true, tlsCa }), observedTier({ url, cluster: true, tlsCa })];
  await eventually(() => a.tier.available && b.tier.available, 10_000);
  const urls = Array.from({ length: 30 }, (_, i) => `/cdn/secure/${i}`);
  await Promise.all(urls.map((key) => a.tier.set(key, cacheEntry({ body: Buffer.from(key) }), 60_000)));
  for (const key of urls) expect((await b.tier.get(key))?.body.toString()).toBe(key);
  return a;
}

let pki: TestPki;
let withPassword: RedisCluster;
let overTls: RedisCluster;

beforeAll(async () => {
  pki = createTestPki();
  [withPassword, overTls] = await Promise.all([
    startRedisCluster({ replicasPerMaster: 0, password: PASSWORD }),
    startRedisCluster({ replicasPerMaster: 0, password: PASSWORD, tls: { server: pki.server, client: pki.client('redis-node'), ca: pki.ca } }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(tiers.map((tier) => tier.close()));
  await stopAll();
});

describe('shared tier on a Redis Cluster with a password', () => {
  it('stores and reads on every master with redis://:<password>@ seeds, and never logs the password', async () => {
    const { raw, infos } = await roundTrip(withPassword.url);
    expect(infos()[0]).toBe(`Shared cache connected to ${withPassword.url.replaceAll(`:${PASSWORD}@`, ':***@')}`);
    expect(raw.join('\n')).not.toContain(PASSWORD);
  });

  it('fails open on a wrong password: one ERROR naming the seeds without the password, counted, never a crash', async () => {
    const url = withPassword.url.replaceAll(PASSWORD, 'not-the-password');
    const { tier, failures, raw, errors } = observedTier({ url, cluster: true });
    await eventually(() => errors().length > 0, 5_000);
    expect(errors()).toEqual([
      `Shared cache unavailable: ${url.replaceAll(':not-the-password@', ':***@')} refused the password in --cache-redis-url (WRONGPASS invalid username-password pair or user is disabled.); serving from nodes`,
    ]);
    expect(tier.available).toBe(false);
    expect(await tier.get('/cdn/k')).toBeUndefined();
    expect(failures).toContain('auth:connect');
    // Discovery goes on retrying (a fixed password on the nodes is picked up) without another line.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(errors()).toHaveLength(1);
    expect(failures.filter((failure) => failure === 'auth:connect').length).toBeGreaterThan(1);
    expect(raw.join('\n')).not.toContain('not-the-password');
  });
});

describe('shared tier on a Redis Cluster over TLS (rediss://)', () => {
  it('stores and reads on every master with --cache-redis-tls-ca, the nodes it discovers reached over TLS too', async () => {
    const { raw } = await roundTrip(overTls.url, fs.readFileSync(pki.ca, 'utf8'));
    expect(raw.join('\n')).not.toContain(PASSWORD);
  });

  it('fails open with one ERROR naming --cache-redis-tls-ca given a CA that does not sign the nodes\' certificates', async () => {
    const { tier, errors, failures } = observedTier({ url: overTls.url, cluster: true, tlsCa: fs.readFileSync(pki.otherCa, 'utf8') });
    await eventually(() => errors().length > 0, 5_000);
    expect(errors()).toEqual([
      `Shared cache unavailable: ${overTls.url.replaceAll(`:${PASSWORD}@`, ':***@')} presented a certificate that is not trusted (self-signed certificate in certificate chain); check --cache-redis-tls-ca; serving from nodes`,
    ]);
    expect(tier.available).toBe(false);
    expect(failures).toContain('tls:connect');
  });
});

describe('shared tier given the wrong kind of Redis', () => {
  it('a lone server given as a cluster: one ERROR saying to leave out --cache-redis-cluster', async () => {
    const lone = await startRedis();
    const { tier, errors, failures } = observedTier({ url: lone.url, cluster: true });
    await eventually(() => errors().length > 0, 5_000);
    expect(errors()).toEqual([
      `Shared cache unavailable: ${lone.url} is not a node of a Redis Cluster (ERR This instance has cluster support disabled); leave out --cache-redis-cluster for a single server; serving from nodes`,
    ]);
    expect(tier.available).toBe(false);
    expect(failures).toContain('config:connect');
  });

  it('a cluster node given as one server: one ERROR saying to add --cache-redis-cluster, instead of failing for the slots it does not serve', async () => {
    const url = withPassword.urlOf(withPassword.nodes[0].port);
    const { tier, errors, failures } = observedTier({ url });
    await eventually(() => errors().length > 0, 5_000);
    expect(errors()).toEqual([
      `Shared cache unavailable: ${url.replace(PASSWORD, '***')} is a node of a Redis Cluster (INFO server says redis_mode:cluster); add --cache-redis-cluster, and list some of its nodes in --cache-redis-url; serving from nodes`,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(errors()).toHaveLength(1);
    expect(tier.available).toBe(false);
    expect(failures).toContain('config:connect');
  });
});
