import { createClient } from '@redis/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../../test/support/ports';
import { startRedis, stopAll } from '../../../../../test/support/processes';
import type { CacheEntry } from './cache-entry';
import { createSharedTier, type SharedTier } from './shared-tier';

function entry(tags: string[] = []): CacheEntry {
  return {
    status: 200,
    headers: ['content-type', 'text/plain'],
    body: Buffer.from('body'),
    nodeId: 'node-1',
    requestTime: 1_000,
    responseTime: 1_010,
    initialAge: 0,
    freshnessLifetime: 60,
    staleWhileRevalidate: 0,
    staleIfError: 0,
    mustRevalidate: false,
    noCache: false,
    etag: undefined,
    lastModified: undefined,
    tags,
    vary: [],
    invalidatedAt: undefined,
  };
}

const none = { urls: [], prefixes: [], tags: [] };
const logger = pino({ level: 'silent' });
let redis: Awaited<ReturnType<typeof startRedis>>;
let raw: ReturnType<typeof createClient>;
const tiers: SharedTier[] = [];
let namespaces = 0;

/** Two edges sharing one Redis namespace, each having written half of the entries. */
async function twoEdges() {
  const namespace = `p${++namespaces}`;
  const [a, b] = [createSharedTier({ url: redis.url, logger, namespace }), createSharedTier({ url: redis.url, logger, namespace })];
  tiers.push(a, b);
  await eventually(() => a.available && b.available, 5_000);
  await a.set('site/img/a.png', entry(['images']), 60_000);
  await b.set('site/img/b.png\u0000gzip', entry(['images', 'product-1']), 60_000);
  await b.set('site/img/b.png\u0000br', entry(['images', 'product-1']), 60_000);
  await a.set('site/css/c.css', entry(['product-1']), 60_000);
  await b.set('site/index.html', entry(), 60_000);
  return { a, b, namespace };
}

beforeAll(async () => {
  redis = await startRedis();
  raw = createClient({ url: redis.url });
  await raw.connect();
});

afterAll(async () => {
  await Promise.all(tiers.map((tier) => tier.close()));
  await raw?.close();
  await stopAll();
});

describe('shared tier purge', () => {
  it('hard purge by url deletes every variant, whichever edge wrote it', async () => {
    const { a, b } = await twoEdges();
    expect(await a.purge({ ...none, urls: ['site/img/b.png'] }, false, 5_000)).toBe(2);
    expect(await b.get('site/img/b.png\u0000gzip')).toBeUndefined();
    expect(await b.get('site/img/a.png')).toBeDefined();
  });

  it('hard purge by tag deletes the tagged entries of both edges', async () => {
    const { a, b, namespace } = await twoEdges();
    expect(await b.purge({ ...none, tags: ['product-1'] }, false, 5_000)).toBe(3);
    expect(await a.get('site/css/c.css')).toBeUndefined();
    expect(await a.get('site/img/a.png')).toBeDefined();
    expect(await raw.exists(`${namespace}:tag:product-1`)).toBe(0);
    expect(await a.purge({ ...none, tags: ['product-1'] }, false, 5_000)).toBe(0);
  });

  it('hard purge by prefix deletes below the prefix only', async () => {
    const { a, b } = await twoEdges();
    expect(await a.purge({ ...none, prefixes: ['site/img/'] }, false, 5_000)).toBe(3);
    expect(await b.get('site/css/c.css')).toBeDefined();
    expect(await b.get('site/index.html')).toBeDefined();
  });

  it('counts an entry hit by several parts of one purge once', async () => {
    const { a } = await twoEdges();
    expect(await a.purge({ urls: ['site/img/a.png'], prefixes: ['site/img/'], tags: ['images'] }, false, 5_000)).toBe(3);
  });

  it('soft purge marks the entries of both edges invalidated and keeps their ttl', async () => {
    const { a, b, namespace } = await twoEdges();
    expect(await a.purge({ ...none, tags: ['images'], prefixes: ['site/css/'] }, true, 7_777)).toBe(4);
    for (const key of ['site/img/a.png', 'site/img/b.png\u0000gzip', 'site/img/b.png\u0000br', 'site/css/c.css']) {
      const read = await b.get(key);
      expect(read?.invalidatedAt).toBe(7_777);
      expect(read?.body.toString()).toBe('body');
    }
    expect((await b.get('site/index.html'))?.invalidatedAt).toBeUndefined();
    expect(await raw.pTTL(`${namespace}:entry:site/img/a.png`)).toBeGreaterThan(55_000);
    // The entries stay findable by tag and url after a soft purge.
    expect(await b.purge({ ...none, urls: ['site/img/b.png'] }, false, 8_000)).toBe(2);
  });

  it('soft purge keeps an earlier invalidation', async () => {
    const { a, b } = await twoEdges();
    await a.purge({ ...none, urls: ['site/index.html'] }, true, 1_000);
    expect(await b.purge({ ...none, urls: ['site/index.html'] }, true, 2_000)).toBe(1);
    expect((await a.get('site/index.html'))?.invalidatedAt).toBe(1_000);
  });

  it('matches a prefix with glob characters literally', async () => {
    const { a, b } = await twoEdges();
    await a.set('site/[1]*/a', entry(), 60_000);
    await a.set('site/1x/a', entry(), 60_000);
    await a.set('site/[1]?/b', entry(), 60_000);
    await a.set('site/\\/c', entry(), 60_000);
    expect(await b.purge({ ...none, prefixes: ['site/[1]*'] }, false, 5_000)).toBe(1);
    expect(await a.get('site/1x/a')).toBeDefined();
    expect(await a.get('site/[1]?/b')).toBeDefined();
    expect(await b.purge({ ...none, prefixes: ['site/\\'] }, false, 5_000)).toBe(1);
    expect(await b.purge({ ...none, prefixes: ['site/[1]?'] }, false, 5_000)).toBe(1);
  });

  it('scans past one batch for a large prefix purge', async () => {
    const { a, b } = await twoEdges();
    for (let i = 0; i < 2_500; i += 250) {
      await Promise.all(Array.from({ length: 250 }, (_, j) => a.set(`site/many/${i + j}`, entry(), 60_000)));
    }
    expect(await b.purge({ ...none, prefixes: ['site/many/'] }, true, 9_000)).toBe(2_500);
    expect((await a.get('site/many/2499'))?.invalidatedAt).toBe(9_000);
    expect(await b.purge({ ...none, prefixes: ['site/many/'] }, false, 9_000)).toBe(2_500);
  });
});
