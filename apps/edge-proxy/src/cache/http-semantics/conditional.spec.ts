import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../store/cache-entry';
import { evaluateClientConditional, freshenWithNotModified, notModifiedHeaders, revalidationHeaders } from './conditional';
import { formatHttpDate } from './http-date';
import { decideStorage, type StoreOptions } from './storability';
import { toStoredHeaders } from './stored-headers';

// Fake clock: the node's 200 arrived at T0; at(n) is n seconds later.
const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const at = (seconds: number): number => T0 + seconds * 1000;
const OPTIONS: StoreOptions = { defaultTtl: 30, staleIfErrorDefault: 0, storeSetCookie: false };
const LAST_MODIFIED = formatHttpDate(at(-3600));
const GET = { method: 'GET', headers: {} };

/** An entry built the way the edge builds one: decideStorage + toStoredHeaders on a node's answer. */
function stored(headers: IncomingHttpHeaders, status = 200): CacheEntry {
  const times = { requestTime: T0, responseTime: T0 };
  const response = { status, headers: { date: formatHttpDate(T0), ...headers } };
  const decision = decideStorage(GET, response, times, OPTIONS);
  if (!decision.store) throw new Error(decision.reason);
  return { status, headers: toStoredHeaders(response.headers, T0), edgeOnlyHeaders: [], body: Buffer.from('body'), nodeId: 'n1', ...times, ...decision.meta, invalidatedAt: undefined };
}

describe('evaluateClientConditional', () => {
  const tagged = stored({ etag: '"v1"', 'last-modified': LAST_MODIFIED, 'cache-control': 'max-age=60' });
  it.each<[string, string, IncomingHttpHeaders, CacheEntry, string]>([
    ['no conditional', 'GET', {}, tagged, 'send'],
    ['a matching If-None-Match', 'GET', { 'if-none-match': '"v1"' }, tagged, 'not-modified'],
    ['a matching If-None-Match on HEAD', 'HEAD', { 'if-none-match': '"v1"' }, tagged, 'not-modified'],
    ['a conditional POST', 'POST', { 'if-none-match': '"v1"' }, tagged, 'send'],
    ['another ETag', 'GET', { 'if-none-match': '"v2"' }, tagged, 'send'],
    ['a list holding the ETag', 'GET', { 'if-none-match': '"a", "v1" ,"b"' }, tagged, 'not-modified'],
    ['a weak tag (weak comparison)', 'GET', { 'if-none-match': 'W/"v1"' }, tagged, 'not-modified'],
    ['a strong tag against a weak ETag', 'GET', { 'if-none-match': '"w"' }, stored({ etag: 'W/"w"' }), 'not-modified'],
    ['a tag holding a comma', 'GET', { 'if-none-match': '"a,b"' }, stored({ etag: '"a,b"' }), 'not-modified'],
    ['a tag that is a prefix', 'GET', { 'if-none-match': '"v"' }, tagged, 'send'],
    ['"*"', 'GET', { 'if-none-match': '*' }, tagged, 'not-modified'],
    ['If-None-Match without an ETag stored', 'GET', { 'if-none-match': '"v1"' }, stored({}), 'send'],
    ['If-None-Match winning over If-Modified-Since', 'GET', { 'if-none-match': '"v2"', 'if-modified-since': formatHttpDate(at(0)) }, tagged, 'send'],
    ['If-Modified-Since after Last-Modified', 'GET', { 'if-modified-since': formatHttpDate(at(0)) }, tagged, 'not-modified'],
    ['If-Modified-Since equal to Last-Modified', 'GET', { 'if-modified-since': LAST_MODIFIED }, tagged, 'not-modified'],
    ['If-Modified-Since before Last-Modified', 'GET', { 'if-modified-since': formatHttpDate(at(-7200)) }, tagged, 'send'],
    ['an invalid If-Modified-Since', 'GET', { 'if-modified-since': 'yesterday' }, tagged, 'send'],
    ['If-Modified-Since against Date without Last-Modified', 'GET', { 'if-modified-since': formatHttpDate(at(10)) }, stored({}), 'not-modified'],
    ['If-Modified-Since before Date without Last-Modified', 'GET', { 'if-modified-since': formatHttpDate(at(-10)) }, stored({}), 'send'],
    ['a conditional against a cached 404', 'GET', { 'if-none-match': '*' }, stored({}, 404), 'send'],
  ])('%s: %s', (_name, method, headers, entry, expected) => {
    expect(evaluateClientConditional(method, headers, entry)).toBe(expected);
  });
});

describe('revalidationHeaders', () => {
  it('sends both validators', () => {
    expect(revalidationHeaders(stored({ etag: '"v1"', 'last-modified': LAST_MODIFIED }))).toEqual({ 'if-none-match': '"v1"', 'if-modified-since': LAST_MODIFIED });
  });
  it('sends nothing without validators', () => {
    expect(revalidationHeaders(stored({}))).toEqual({});
  });
});

describe('notModifiedHeaders', () => {
  it('repeats the validator and caching headers only', () => {
    const entry = stored({ etag: '"v1"', 'cache-control': 'max-age=60', vary: 'Accept', 'content-type': 'text/plain', 'x-other': '1' });
    expect(notModifiedHeaders(entry)).toEqual(['date', formatHttpDate(T0), 'etag', '"v1"', 'cache-control', 'max-age=60', 'vary', 'Accept']);
  });
});

describe('freshenWithNotModified', () => {
  const entry = { ...stored({ etag: '"v1"', 'cache-control': 'max-age=60', 'content-type': 'text/plain', 'x-version': '1' }), invalidatedAt: at(30) };
  const times = { requestTime: at(100), responseTime: at(101) };

  it('replaces headers, recomputes freshness and keeps the body', () => {
    const headers = { date: formatHttpDate(at(101)), etag: '"v1"', 'cache-control': 'max-age=120', 'x-version': '2', 'content-length': '0', connection: 'keep-alive' };
    const fresh = freshenWithNotModified(entry, { headers }, GET, times, OPTIONS);
    expect(fresh).toMatchObject({ freshnessLifetime: 120, initialAge: 1, requestTime: at(100), responseTime: at(101), invalidatedAt: undefined, body: entry.body });
    expect(fresh?.headers).toEqual(['date', formatHttpDate(at(101)), 'etag', '"v1"', 'cache-control', 'max-age=120', 'content-type', 'text/plain', 'x-version', '2']);
  });
  it('keeps stored freshness directives the 304 does not repeat', () => {
    const fresh = freshenWithNotModified(entry, { headers: { date: formatHttpDate(at(101)) } }, GET, times, OPTIONS);
    expect(fresh?.freshnessLifetime).toBe(60);
  });
  it('counts the Age the 304 carries', () => {
    const fresh = freshenWithNotModified(entry, { headers: { date: formatHttpDate(at(101)), age: '50' } }, GET, times, OPTIONS);
    expect(fresh?.initialAge).toBe(51);
  });
  it('gives up when the 304 makes it unstorable', () => {
    expect(freshenWithNotModified(entry, { headers: { 'cache-control': 'no-store' } }, GET, times, OPTIONS)).toBeUndefined();
  });
  it('gives up when the 304 names another strong ETag', () => {
    expect(freshenWithNotModified(entry, { headers: { etag: '"v2"' } }, GET, times, OPTIONS)).toBeUndefined();
  });
});
