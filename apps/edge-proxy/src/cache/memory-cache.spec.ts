import { describe, expect, it } from 'vitest';
import { toCachedResponse } from './cached-response';
import { createMemoryCache } from './memory-cache';

function entry(bytes: number, storedAt = 0) {
  return toCachedResponse(200, { 'content-type': 'text/plain' }, Buffer.alloc(bytes), 'node1', storedAt);
}

describe('createMemoryCache', () => {
  it('returns what was stored', () => {
    const cache = createMemoryCache({ ttlSeconds: 30 });
    cache.set('/cdn/a', entry(10));
    expect(cache.get('/cdn/a')?.body.length).toBe(10);
    expect(cache.entries).toBe(1);
  });

  it('expires an entry after its TTL by the given clock', () => {
    let time = 1_000_000;
    const cache = createMemoryCache({ ttlSeconds: 30, now: () => time });
    cache.set('/cdn/a', entry(10, time));
    time += 29_999;
    expect(cache.get('/cdn/a')).toBeDefined();
    time += 2;
    expect(cache.get('/cdn/a')).toBeUndefined();
  });

  it('refuses an object over the per-object limit', () => {
    const cache = createMemoryCache({ ttlSeconds: 30, maxEntryBytes: 1024 });
    expect(cache.set('/cdn/big', entry(2048))).toBe(false);
    expect(cache.get('/cdn/big')).toBeUndefined();
  });

  it('evicts the least recently used entries to stay within its byte budget', () => {
    const cache = createMemoryCache({ ttlSeconds: 30, maxBytes: 3000, maxEntryBytes: 1500 });
    cache.set('/cdn/a', entry(1000));
    cache.set('/cdn/b', entry(1000));
    cache.get('/cdn/a');
    cache.set('/cdn/c', entry(1000));
    expect(cache.get('/cdn/b')).toBeUndefined();
    expect(cache.get('/cdn/a')).toBeDefined();
    expect(cache.bytes).toBeLessThanOrEqual(3000);
  });

  it('stores nothing with a TTL of 0', () => {
    const cache = createMemoryCache({ ttlSeconds: 0 });
    expect(cache.set('/cdn/a', entry(1))).toBe(false);
  });

  it('is emptied by clear', () => {
    const cache = createMemoryCache({ ttlSeconds: 30 });
    cache.set('/cdn/a', entry(1));
    cache.clear();
    expect(cache.entries).toBe(0);
    expect(cache.bytes).toBe(0);
  });
});
