import { createClient } from '@redis/client';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, waitForPort } from '../../../../../test/support/ports';
import { start, startRedis, stopAll, tempDir } from '../../../../../test/support/processes';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { createSharedTier, type SharedFailure, type SharedTier } from './shared-tier';

const entry = cacheEntry({ tags: ['t'] });

/** A tier whose log lines and failure reports the test can read. */
function observedTier(url: string, timeoutMs = 50) {
  const lines: { level: number; msg: string }[] = [];
  const failures: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const tier = createSharedTier({ url, logger, timeoutMs, onFailure: (kind: SharedFailure, op: string) => failures.push(`${kind}:${op}`) });
  tiers.push(tier);
  const warnings = () => lines.filter((line) => line.level === 40).map((line) => line.msg);
  const infos = () => lines.filter((line) => line.level === 30).map((line) => line.msg);
  return { tier, failures, warnings, infos };
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

const tiers: SharedTier[] = [];

afterAll(async () => {
  await Promise.all(tiers.map((tier) => tier.close()));
  await stopAll();
});

describe('shared tier outage', () => {
  it('fails open while Redis is down, warns once, and recovers by itself when it returns', async () => {
    const redis = await startRedis();
    const { tier, warnings, infos } = observedTier(redis.url);
    await eventually(() => tier.available, 5_000);
    await tier.set('k', entry, 60_000);
    expect(await tier.get('k')).toBeDefined();

    await redis.stop('SIGKILL');
    await eventually(() => !tier.available, 2_000);
    for (let i = 0; i < 20; i++) {
      const { value, ms } = await timed(tier.get('k'));
      expect(value).toBeUndefined();
      expect(ms).toBeLessThan(60);
    }
    await tier.set('k2', entry, 60_000);
    expect(await tier.getVary('p')).toBeUndefined();
    expect(await tier.deletePrimaries(['k'])).toBe(0);
    await expect(tier.purge({ urls: ['k'], prefixes: [], tags: [] }, false, 1)).rejects.toThrow(/unavailable/);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/^Shared cache unavailable: .+; serving from nodes$/);

    // Let a few reconnect attempts fail first: the backoff must not give up.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    start('redis-server', ['--port', String(redis.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tempDir('redis-')], { name: 'redis-server' });
    await waitForPort(redis.port);
    const recovered = await timed(eventually(() => tier.available, 5_000));
    console.log(`[L2 outage] recovered ${recovered.ms.toFixed(0)} ms after redis-server listened again`);
    expect(warnings()).toHaveLength(1);
    expect(infos().filter((msg) => /available again/.test(msg))).toHaveLength(1);
    await tier.set('k3', entry, 60_000);
    expect((await tier.get('k3'))?.body.toString()).toBe('body');
  });

  it('resolves a get undefined within the deadline when Redis is slow', async () => {
    const redis = await startRedis();
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const { tier, failures, warnings } = observedTier(redis.url, 50);
    await eventually(() => tier.available, 5_000);
    await tier.set('k', entry, 60_000);

    // CLIENT PAUSE stalls every client's commands, as a blocked or overloaded Redis would (DEBUG SLEEP is disabled by default).
    await raw.sendCommand(['CLIENT', 'PAUSE', '500', 'ALL']);
    const { value, ms } = await timed(tier.get('k'));
    console.log(`[L2 slow] get gave up after ${ms.toFixed(1)} ms (deadline 50 ms)`);
    expect(value).toBeUndefined();
    expect(ms).toBeLessThan(120);
    expect(failures).toEqual(['timeout:get']);
    // One late answer does not take the tier down.
    expect(tier.available).toBe(true);
    expect(warnings()).toHaveLength(0);
    await raw.close();
  });

  it('stops waiting on a Redis that keeps timing out, then probes it back', async () => {
    const redis = await startRedis();
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const { tier, warnings, infos } = observedTier(redis.url, 50);
    await eventually(() => tier.available, 5_000);
    await tier.set('k', entry, 60_000);

    await raw.sendCommand(['CLIENT', 'PAUSE', '800', 'ALL']);
    for (let i = 0; i < 3; i++) expect(await tier.get('k')).toBeUndefined();
    expect(tier.available).toBe(false);
    const fast = await timed(tier.get('k'));
    expect(fast.ms).toBeLessThan(5);
    expect(warnings()).toEqual(['Shared cache unavailable: no answer within 50 ms; serving from nodes']);

    await eventually(() => tier.available, 5_000);
    expect(infos().filter((msg) => /available again/.test(msg))).toHaveLength(1);
    expect(await tier.get('k')).toBeDefined();
    await raw.close();
  });

  it('does not block the start when Redis is not there yet', async () => {
    const { tier, warnings } = observedTier('redis://127.0.0.1:1');
    expect(tier.available).toBe(false);
    const { value, ms } = await timed(tier.get('k'));
    expect(value).toBeUndefined();
    expect(ms).toBeLessThan(5);
    await eventually(() => warnings().length === 1, 3_000);
    await tier.close();
  });
});
