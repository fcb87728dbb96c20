import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../store/cache-entry';
import { evaluateClientConditional, freshenWithNotModified, notModifiedHeaders } from './conditional';
import { formatHttpDate } from './http-date';
import { decideStorage, type StoreOptions } from './storability';
import { edgeOnlyHeaders, toStoredHeaders } from './stored-headers';
import { cacheControlTargets } from './targeted-cache-control';

// Fake clock: the node's 200 arrived at T0; at(n) is n seconds later.
const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const at = (seconds: number): number => T0 + seconds * 1000;
const OPTIONS: StoreOptions = { defaultTtl: 0, staleIfErrorDefault: 0, storeSetCookie: false, targets: cacheControlTargets('edge-cache-control') };
const GET = { method: 'GET', headers: {} };

/** An entry built the way the edge builds one, from an answer that may lack Date. */
function stored(headers: IncomingHttpHeaders): CacheEntry {
  const times = { requestTime: T0, responseTime: T0 };
  const decision = decideStorage(GET, { status: 200, headers }, times, OPTIONS);
  if (!decision.store) throw new Error(decision.reason);
  const kept = { headers: toStoredHeaders(headers, T0, OPTIONS.targets), edgeOnlyHeaders: edgeOnlyHeaders(headers, OPTIONS.targets) };
  return { status: 200, ...kept, body: Buffer.from('body'), nodeId: 'n1', ...times, ...decision.meta, invalidatedAt: undefined };
}

describe('If-Modified-Since against an answer without Last-Modified nor Date (RFC 9111 §4.3.2)', () => {
  const entry = stored({ 'cache-control': 'max-age=60' });
  it.each<[string, string, IncomingHttpHeaders, string]>([
    ['the time it was received', 'GET', { 'if-modified-since': formatHttpDate(T0) }, 'not-modified'],
    ['a later time', 'HEAD', { 'if-modified-since': formatHttpDate(at(60)) }, 'not-modified'],
    ['an earlier time', 'GET', { 'if-modified-since': formatHttpDate(at(-1)) }, 'send'],
    ['an invalid date', 'GET', { 'if-modified-since': 'now' }, 'send'],
    ['If-None-Match beside it', 'GET', { 'if-modified-since': formatHttpDate(at(60)), 'if-none-match': '"x"' }, 'send'],
    ['a POST', 'POST', { 'if-modified-since': formatHttpDate(at(60)) }, 'send'],
  ])('%s', (_name, method, headers, expected) => {
    expect(evaluateClientConditional(method, headers, entry)).toBe(expected);
  });
});

describe('freshenWithNotModified with targeted fields (RFC 9213 §2.1)', () => {
  const entry = stored({ date: formatHttpDate(T0), etag: '"v1"', 'cache-control': 'no-store', 'edge-cache-control': 'max-age=60' });
  const times = { requestTime: at(100), responseTime: at(101) };

  it('keeps the edge\'s own field out of the headers a hit or a 304 sends', () => {
    expect(entry.headers).not.toContain('edge-cache-control');
    expect(notModifiedHeaders(entry)).not.toContain('edge-cache-control');
    expect(entry.edgeOnlyHeaders).toEqual(['edge-cache-control', 'max-age=60']);
  });
  it('judges a 304 that does not repeat the field on the stored one, not on Cache-Control: no-store', () => {
    const fresh = freshenWithNotModified(entry, { headers: { date: formatHttpDate(at(101)), etag: '"v1"' } }, GET, times, OPTIONS);
    expect(fresh).toMatchObject({ freshnessLifetime: 60, edgeOnlyHeaders: ['edge-cache-control', 'max-age=60'] });
  });
  it('takes the 304\'s own field when it sends one', () => {
    const fresh = freshenWithNotModified(entry, { headers: { date: formatHttpDate(at(101)), 'edge-cache-control': 'max-age=120' } }, GET, times, OPTIONS);
    expect(fresh).toMatchObject({ freshnessLifetime: 120, edgeOnlyHeaders: ['edge-cache-control', 'max-age=120'] });
  });
  it('gives up when the 304\'s own field says no-store', () => {
    expect(freshenWithNotModified(entry, { headers: { 'edge-cache-control': 'no-store' } }, GET, times, OPTIONS)).toBeUndefined();
  });
  it('dates a 304 without Date when it arrived (RFC 9110 §6.6.1), so the entry does not look old', () => {
    const fresh = freshenWithNotModified(entry, { headers: { etag: '"v1"' } }, GET, times, OPTIONS);
    expect(fresh?.initialAge).toBe(1);
    expect(fresh?.headers).toContain(formatHttpDate(at(101)));
  });
});
