/** The shared tier with a Redis that wants a password, and one that speaks only TLS (certificates made by openssl). */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredRedis, startSentinel, type ConfiguredRedis } from '../../../../../test/support/configured-redis';
import { createTestPki, type TestPki } from '../../../../../test/support/pki';
import { eventually } from '../../../../../test/support/ports';
import { stopAll, tempDir } from '../../../../../test/support/processes';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { readRedisTlsCa } from './redis-tls';
import { createSharedTier, type SharedTier } from './shared-tier';

const PASSWORD = 'redis-s3cret-for-tests';
const entry = cacheEntry();
const tiers: SharedTier[] = [];

/** A tier whose log lines (raw and parsed) and failure reports the test can read. */
function observedTier(url: string, tlsCa?: string) {
  const raw: string[] = [];
  const failures: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => raw.push(line) });
  const tier = createSharedTier({ url, tlsCa, logger, onFailure: (kind, operation) => failures.push(`${kind}:${operation}`) });
  tiers.push(tier);
  const lines = (level: number) => raw.map((line) => JSON.parse(line)).filter((line) => line.level === level).map((line) => line.msg as string);
  return { tier, failures, raw, errors: () => lines(50), infos: () => lines(30) };
}

let pki: TestPki;
let withPassword: ConfiguredRedis;
let overTls: ConfiguredRedis;

beforeAll(async () => {
  pki = createTestPki();
  withPassword = await startConfiguredRedis({ password: PASSWORD });
  overTls = await startConfiguredRedis({ password: PASSWORD, tls: { ...pki.server, ca: pki.ca } });
});

afterAll(async () => {
  await Promise.all(tiers.map((tier) => tier.close()));
  await stopAll();
});

describe('shared tier with a Redis password', () => {
  it('stores and reads with redis://:<password>@host:port, and never logs the password', async () => {
    const { tier, raw, infos } = observedTier(withPassword.url);
    await eventually(() => tier.available, 5_000);
    await tier.set('k', entry, 60_000);
    expect((await tier.get('k'))?.body).toEqual(entry.body);
    expect(infos()).toContain(`Shared cache connected to redis://:***@127.0.0.1:${withPassword.port}`);
    expect(raw.join('\n')).not.toContain(PASSWORD);
  });

  it('fails open on a wrong password: one ERROR naming the URL without the password, counted, never a crash', async () => {
    const url = `redis://:not-the-password@127.0.0.1:${withPassword.port}`;
    const { tier, failures, raw, errors } = observedTier(url);
    await eventually(() => errors().length > 0, 5_000);
    expect(errors()).toEqual([
      `Shared cache unavailable: redis://:***@127.0.0.1:${withPassword.port} refused the password in --cache-redis-url (WRONGPASS invalid username-password pair or user is disabled.); serving from nodes`,
    ]);
    expect(tier.available).toBe(false);
    expect(await tier.get('k')).toBeUndefined();
    await tier.set('k', entry, 60_000);
    expect(failures).toContain('auth:connect');
    // Reconnect attempts go on (a fixed password on the server is picked up) without another line.
    await new Promise((r) => setTimeout(r, 600));
    expect(errors()).toHaveLength(1);
    expect(raw.join('\n')).not.toContain('not-the-password');
  });

  it('names a missing password (NOAUTH) and stays out of the way', async () => {
    const { tier, errors, failures } = observedTier(`redis://127.0.0.1:${withPassword.port}`);
    await eventually(() => errors().length > 0, 5_000);
    expect(errors()[0]).toBe(
      `Shared cache unavailable: redis://127.0.0.1:${withPassword.port} requires a password (NOAUTH Authentication required.); give it in --cache-redis-url as redis://:<password>@host:port; serving from nodes`,
    );
    expect(tier.available).toBe(false);
    expect(await tier.get('k')).toBeUndefined();
    expect(failures.some((f) => f.startsWith('auth:'))).toBe(true);
  });
});

describe('shared tier over TLS (rediss://)', () => {
  it('stores and reads with --cache-redis-tls-ca', async () => {
    const { tier, raw } = observedTier(overTls.url, fs.readFileSync(pki.ca, 'utf8'));
    await eventually(() => tier.available, 5_000);
    await tier.set('k', entry, 60_000);
    expect((await tier.get('k'))?.body).toEqual(entry.body);
    expect(raw.join('\n')).not.toContain(PASSWORD);
  });

  it.each([
    ['a CA that does not sign its certificate', () => fs.readFileSync(pki.otherCa, 'utf8'), 'check --cache-redis-tls-ca'],
    ['no CA (the system CAs do not know it)', () => undefined, 'give its CA with --cache-redis-tls-ca'],
  ])('fails open with one ERROR naming --cache-redis-tls-ca given %s', async (_, ca, fix) => {
    const { tier, errors, failures } = observedTier(overTls.url, ca());
    await eventually(() => errors().length > 0, 5_000);
    expect(errors()).toEqual([`Shared cache unavailable: rediss://:***@127.0.0.1:${overTls.port} presented a certificate that is not trusted (self-signed certificate in certificate chain); ${fix}; serving from nodes`]);
    expect(tier.available).toBe(false);
    expect(await tier.get('k')).toBeUndefined();
    expect(failures).toContain('tls:connect');
  });
});

describe('shared tier given a Redis Sentinel', () => {
  it('fails open with one ERROR saying the tier does not speak Sentinel, instead of failing call after call', async () => {
    const sentinel = await startSentinel();
    const { tier, errors, failures } = observedTier(sentinel.url);
    await eventually(() => errors().length > 0, 5_000);
    expect(errors()).toEqual([
      `Shared cache unavailable: ${sentinel.url} is a Redis Sentinel (INFO server says redis_mode:sentinel), which the shared tier does not speak; give the master's address, or a proxy that follows the master, in --cache-redis-url; serving from nodes`,
    ]);
    expect(tier.available).toBe(false);
    expect(await tier.get('k')).toBeUndefined();
    expect(failures).toEqual(['config:connect']);
  });
});

describe('readRedisTlsCa', () => {
  it('reads the CA of a rediss:// URL once', () => {
    expect(readRedisTlsCa({ cacheRedisUrl: 'rediss://cache:6380', cacheRedisTlsCa: pki.ca })).toBe(fs.readFileSync(pki.ca, 'utf8'));
    expect(readRedisTlsCa({ cacheRedisUrl: 'redis://cache:6379', cacheRedisTlsCa: undefined })).toBeUndefined();
  });

  it.each([
    ['a redis:// URL', () => ({ cacheRedisUrl: 'redis://cache:6379', cacheRedisTlsCa: pki.ca }), /^--cache-redis-tls-ca is for TLS: give a rediss:\/\/ --cache-redis-url/],
    ['no URL', () => ({ cacheRedisUrl: undefined, cacheRedisTlsCa: pki.ca }), /^--cache-redis-tls-ca is for TLS/],
    ['a file that is no certificate', () => {
      const file = path.join(tempDir(), 'ca.pem');
      fs.writeFileSync(file, 'hello');
      return { cacheRedisUrl: 'rediss://cache:6380', cacheRedisTlsCa: file };
    }, /^--cache-redis-tls-ca .* is not a readable PEM certificate$/],
  ])('stops the start naming the flag, given %s', (_, config, message) => {
    expect(() => readRedisTlsCa(config())).toThrow(message);
  });
});
