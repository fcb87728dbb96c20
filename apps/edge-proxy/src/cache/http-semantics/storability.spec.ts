import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { formatHttpDate } from './http-date';
import { decideStorage, type StoreDecision, type StoreOptions } from './storability';

// Fake clock: the request leaves at T0 and its answer arrives one second later.
const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const at = (seconds: number): number => T0 + seconds * 1000;
const TIMES = { requestTime: T0, responseTime: at(1) };
const OPTIONS: StoreOptions = { defaultTtl: 30, staleIfErrorDefault: 600, storeSetCookie: false };
const DATE = formatHttpDate(at(1));

function decide(
  responseHeaders: IncomingHttpHeaders,
  { status = 200, method = 'GET', requestHeaders = {}, options = OPTIONS, times = TIMES } = {} as {
    status?: number;
    method?: string;
    requestHeaders?: IncomingHttpHeaders;
    options?: StoreOptions;
    times?: { requestTime: number; responseTime: number };
  },
): StoreDecision {
  return decideStorage({ method, headers: requestHeaders }, { status, headers: { date: DATE, ...responseHeaders } }, times, options);
}

function meta(decision: StoreDecision) {
  if (!decision.store) throw new Error(`not stored: ${decision.reason}`);
  return decision.meta;
}

describe('decideStorage: what is not stored', () => {
  it.each<[string, IncomingHttpHeaders, Parameters<typeof decide>[1], string]>([
    ['an answer to HEAD', { 'cache-control': 'max-age=60' }, { method: 'HEAD' }, 'method'],
    ['an answer to POST', { 'cache-control': 'max-age=60' }, { method: 'POST' }, 'method'],
    ['a 206 without Content-Range (multipart/byteranges)', { 'cache-control': 'max-age=60' }, { status: 206 }, 'content-range'],
    ['a 206 of unknown complete length', { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-9/*' }, { status: 206 }, 'content-range'],
    ['a 304', { 'cache-control': 'max-age=60' }, { status: 304 }, 'status'],
    ['a 1xx', { 'cache-control': 'max-age=60' }, { status: 103 }, 'status'],
    ['response no-store', { 'cache-control': 'max-age=60, no-store' }, {}, 'no-store'],
    ['request no-store', { 'cache-control': 'max-age=60' }, { requestHeaders: { 'cache-control': 'no-store' } }, 'no-store'],
    ['private', { 'cache-control': 'private, max-age=60' }, {}, 'private'],
    ['an answer to a request with Authorization', { 'cache-control': 'max-age=60' }, { requestHeaders: { authorization: 'Bearer x' } }, 'authorization'],
    ['Set-Cookie', { 'cache-control': 'max-age=60', 'set-cookie': ['a=1'] }, {}, 'set-cookie'],
    ['Vary: *', { 'cache-control': 'max-age=60', vary: '*' }, {}, 'vary-star'],
    ['Vary with * among names', { 'cache-control': 'max-age=60', vary: 'accept, *' }, {}, 'vary-star'],
    ['a 500 without explicit freshness', {}, { status: 500 }, 'no-freshness'],
    ['a 302 without explicit freshness', {}, { status: 302 }, 'no-freshness'],
    ['a 201 with only public', { 'cache-control': 'public' }, { status: 201 }, 'no-freshness'],
    ['must-understand with an unknown status', { 'cache-control': 'must-understand, no-store, max-age=60' }, { status: 299 }, 'status'],
  ])('does not store %s', (_name, headers, context, reason) => {
    expect(decide(headers, context)).toEqual({ store: false, reason });
  });
});

describe('decideStorage: what is stored', () => {
  it.each<[string, IncomingHttpHeaders, Parameters<typeof decide>[1]]>([
    ['Authorization with public', { 'cache-control': 'public, max-age=60' }, { requestHeaders: { authorization: 'Basic x' } }],
    ['Authorization with s-maxage', { 'cache-control': 's-maxage=60' }, { requestHeaders: { authorization: 'Basic x' } }],
    ['Authorization with must-revalidate', { 'cache-control': 'must-revalidate, max-age=60' }, { requestHeaders: { authorization: 'Basic x' } }],
    ['Set-Cookie with --cache-set-cookie', { 'set-cookie': ['a=1'] }, { options: { ...OPTIONS, storeSetCookie: true } }],
    ['qualified private', { 'cache-control': 'private="x-user", max-age=60' }, {}],
    ['a 500 with max-age', { 'cache-control': 'max-age=60' }, { status: 500 }],
    ['a 302 with Expires', { expires: formatHttpDate(at(61)) }, { status: 302 }],
    ['must-understand that overrides no-store for a known status', { 'cache-control': 'must-understand, no-store, max-age=60' }, {}],
    ['a 206 of one range of known length (RFC 9111 §3.3)', { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-9/100' }, { status: 206 }],
    ['a 206 with no explicit freshness, given the default TTL (heuristically cacheable, RFC 9110 §15.3.7)', { 'content-range': 'bytes 0-9/100' }, { status: 206 }],
  ])('stores %s', (_name, headers, context) => {
    expect(decide(headers, context).store).toBe(true);
  });
});

describe('decideStorage: freshness lifetime', () => {
  it.each<[string, IncomingHttpHeaders, number, number]>([
    ['s-maxage over max-age', { 'cache-control': 'max-age=100, s-maxage=10' }, 200, 10],
    ['max-age over Expires', { 'cache-control': 'max-age=100', expires: formatHttpDate(at(1001)) }, 200, 100],
    ['Expires − Date', { expires: formatHttpDate(at(301)) }, 200, 300],
    ['Expires in the past', { expires: formatHttpDate(at(-100)) }, 200, 0],
    ['Expires equal to Date', { expires: DATE }, 200, 0],
    ['an invalid Expires ("0")', { expires: '0' }, 200, 0],
    ['an invalid Expires beside max-age', { 'cache-control': 'max-age=50', expires: '0' }, 200, 50],
    ['an invalid max-age', { 'cache-control': 'max-age=abc', expires: formatHttpDate(at(301)) }, 200, 0],
    ['a negative max-age', { 'cache-control': 'max-age=-1' }, 200, 0],
    ['max-age=0', { 'cache-control': 'max-age=0' }, 200, 0],
    ['a quoted max-age', { 'cache-control': 'max-age="60"' }, 200, 60],
    ['the first of two max-age', { 'cache-control': ['max-age=60', 'max-age=10'] as unknown as string }, 200, 60],
    ['the default TTL for a 200', {}, 200, 30],
    ['the default TTL for a 404', {}, 404, 30],
    ['the default TTL for a 301', { 'cache-control': 'public' }, 301, 30],
    ['the default TTL for a 410', {}, 410, 30],
    ['RFC 850 Expires', { expires: 'Monday, 01-Jan-24 00:01:01 GMT' }, 200, 60],
    ['asctime Expires', { expires: 'Mon Jan  1 00:01:01 2024' }, 200, 60],
  ])('takes %s', (_name, headers, status, lifetime) => {
    expect(meta(decide(headers, { status })).freshnessLifetime).toBe(lifetime);
  });

  it('measures Expires from the response time when Date is missing', () => {
    const decision = decideStorage({ method: 'GET', headers: {} }, { status: 200, headers: { expires: formatHttpDate(at(121)) } }, TIMES, OPTIONS);
    expect(meta(decision).freshnessLifetime).toBe(120);
  });
});

describe('decideStorage: age (RFC 9111 §4.2.3)', () => {
  it.each<[string, IncomingHttpHeaders, { requestTime: number; responseTime: number }, number]>([
    ['the response delay when Date is now', { date: formatHttpDate(at(1)) }, { requestTime: at(0), responseTime: at(1) }, 1],
    ['the apparent age when Date is older', { date: formatHttpDate(at(-60)) }, { requestTime: at(0), responseTime: at(1) }, 61],
    ['Age plus the response delay', { date: formatHttpDate(at(1)), age: '100' }, { requestTime: at(0), responseTime: at(2) }, 102],
    ['the larger of apparent age and corrected Age', { date: formatHttpDate(at(-500)), age: '100' }, { requestTime: at(0), responseTime: at(1) }, 501],
    ['zero apparent age when Date is in the future', { date: formatHttpDate(at(3600)) }, { requestTime: at(0), responseTime: at(0) }, 0],
    ['an invalid Age as 0', { date: formatHttpDate(at(0)), age: 'abc' }, { requestTime: at(0), responseTime: at(0) }, 0],
    ['the first of repeated Age values', { date: formatHttpDate(at(0)), age: '10, 20' }, { requestTime: at(0), responseTime: at(0) }, 10],
  ])('counts %s', (_name, headers, times, age) => {
    const decision = decideStorage({ method: 'GET', headers: {} }, { status: 200, headers: { 'cache-control': 'max-age=3600', ...headers } }, times, OPTIONS);
    expect(meta(decision).initialAge).toBe(age);
  });
});

describe('decideStorage: revalidation and stale windows', () => {
  it.each<[string, string, Partial<ReturnType<typeof meta>>]>([
    ['a plain answer', 'max-age=60', { mustRevalidate: false, noCache: false, staleWhileRevalidate: 0, staleIfError: 600 }],
    ['no-cache', 'no-cache, max-age=60', { noCache: true, staleIfError: 0 }],
    ['qualified no-cache', 'no-cache="x-a", max-age=60', { noCache: false }],
    ['must-revalidate', 'max-age=60, must-revalidate', { mustRevalidate: true, staleIfError: 0 }],
    ['proxy-revalidate', 'max-age=60, proxy-revalidate', { mustRevalidate: true }],
    ['s-maxage', 's-maxage=60', { mustRevalidate: true }],
    ['stale-while-revalidate', 'max-age=60, stale-while-revalidate=30', { staleWhileRevalidate: 30 }],
    ['stale-if-error', 'max-age=60, stale-if-error=20', { staleIfError: 20 }],
    ['stale-while-revalidate with must-revalidate', 'max-age=60, must-revalidate, stale-while-revalidate=30', { staleWhileRevalidate: 0 }],
    ['an explicit stale-if-error with must-revalidate', 'max-age=60, must-revalidate, stale-if-error=20', { staleIfError: 20 }],
  ])('reads %s', (_name, cacheControl, expected) => {
    expect(meta(decide({ 'cache-control': cacheControl }))).toMatchObject(expected);
  });
});

describe('decideStorage: validators, tags and Vary', () => {
  it('keeps ETag and Last-Modified', () => {
    const m = meta(decide({ etag: '"v1"', 'last-modified': 'Sun, 31 Dec 2023 00:00:00 GMT' }));
    expect([m.etag, m.lastModified]).toEqual(['"v1"', 'Sun, 31 Dec 2023 00:00:00 GMT']);
  });
  it('reads tags from Surrogate-Key and Cache-Tag, trimmed and de-duplicated', () => {
    const m = meta(decide({ 'surrogate-key': ' a  b a ', 'cache-tag': 'b, c ,,d' }));
    expect(m.tags).toEqual(['a', 'b', 'c', 'd']);
  });
  it('has no tags nor Vary when none are sent', () => {
    const m = meta(decide({}));
    expect([m.tags, m.vary]).toEqual([[], []]);
  });
  it('lower-cases, sorts and de-duplicates Vary across lines', () => {
    const m = meta(decide({ vary: ['Accept-Encoding, User-Agent', 'accept-encoding , Accept'] as unknown as string }));
    expect(m.vary).toEqual(['accept', 'accept-encoding', 'user-agent']);
  });
});
