import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { formatHttpDate } from './http-date';
import { decideStorage, type StoreDecision, type StoreOptions } from './storability';
import { cacheControlTargets, selectDirectives, storedDirectives } from './targeted-cache-control';

// Fake clock: the answer arrives at T0.
const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const TIMES = { requestTime: T0, responseTime: T0 };
const EDGE = cacheControlTargets('Edge-Cache-Control');
const OPTIONS: StoreOptions = { defaultTtl: 0, staleIfErrorDefault: 0, storeSetCookie: false, targets: EDGE };
const DATE = formatHttpDate(T0);
const IN_AN_HOUR = formatHttpDate(T0 + 3_600_000);

function decide(headers: IncomingHttpHeaders, requestHeaders: IncomingHttpHeaders = {}, options: StoreOptions = OPTIONS): StoreDecision {
  return decideStorage({ method: 'GET', headers: requestHeaders }, { status: 200, headers: { date: DATE, ...headers } }, TIMES, options);
}

function lifetime(decision: StoreDecision): number {
  if (!decision.store) throw new Error(`not stored: ${decision.reason}`);
  return decision.meta.freshnessLifetime;
}

describe('cacheControlTargets', () => {
  it('puts the edge\'s own field before CDN-Cache-Control, in lower case (RFC 9213 §2.1)', () => {
    expect(EDGE).toEqual({ fields: ['edge-cache-control', 'cdn-cache-control'], own: 'edge-cache-control' });
    expect(cacheControlTargets(undefined)).toEqual({ fields: ['cdn-cache-control'], own: undefined });
  });
});

describe('selectDirectives (RFC 9213 §2.1)', () => {
  it.each<[string, IncomingHttpHeaders, string | undefined, [string, string | true][]]>([
    ['Cache-Control without targeted fields', { 'cache-control': 'max-age=5' }, undefined, [['max-age', '5']]],
    ['CDN-Cache-Control over Cache-Control', { 'cache-control': 'max-age=5', 'cdn-cache-control': 'max-age=60' }, 'cdn-cache-control', [['max-age', '60']]],
    ['the own field over CDN-Cache-Control', { 'edge-cache-control': 'no-store', 'cdn-cache-control': 'max-age=60' }, 'edge-cache-control', [['no-store', true]]],
    ['CDN-Cache-Control when the own field does not parse', { 'edge-cache-control': 'Max-Age=1', 'cdn-cache-control': 'max-age=60' }, 'cdn-cache-control', [['max-age', '60']]],
    ['CDN-Cache-Control when the own field is empty', { 'edge-cache-control': '', 'cdn-cache-control': 'private' }, 'cdn-cache-control', [['private', true]]],
    ['Cache-Control when no targeted field parses', { 'cache-control': 'no-cache', 'cdn-cache-control': 'max-age=60,' }, undefined, [['no-cache', true]]],
  ])('%s', (_name, headers, field, directives) => {
    const selected = selectDirectives(headers, EDGE);
    expect(selected.field).toBe(field);
    expect([...selected.directives]).toEqual(directives);
  });

  it('reads no field of the edge\'s own when it has none configured', () => {
    expect(selectDirectives({ 'edge-cache-control': 'no-store', 'cache-control': 'max-age=5' }, cacheControlTargets(undefined)).field).toBeUndefined();
  });
});

describe('decideStorage with targeted fields (RFC 9213 §2.1)', () => {
  it.each<[string, IncomingHttpHeaders, string]>([
    ['CDN-Cache-Control: no-store over Cache-Control max-age', { 'cache-control': 'max-age=600', 'cdn-cache-control': 'no-store' }, 'no-store'],
    ['CDN-Cache-Control: private over Cache-Control max-age and Expires', { 'cache-control': 'public, max-age=600', expires: IN_AN_HOUR, 'cdn-cache-control': 'private' }, 'private'],
    ['the own field\'s no-store over CDN-Cache-Control max-age', { 'edge-cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' }, 'no-store'],
  ])('does not store with %s', (_name, headers, reason) => {
    expect(decide(headers)).toEqual({ store: false, reason });
  });

  it('stores with CDN-Cache-Control: max-age even when Cache-Control says no-store (RFC 9213 §3.1)', () => {
    expect(lifetime(decide({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' }))).toBe(600);
  });

  it('ignores Expires when a targeted field decides, even one without max-age', () => {
    expect(lifetime(decide({ expires: IN_AN_HOUR, 'cdn-cache-control': 'none' }))).toBe(0);
    expect(lifetime(decide({ expires: IN_AN_HOUR }))).toBe(3600);
  });

  it('CDN-Cache-Control: no-cache stores but revalidates before every use, whatever Cache-Control says', () => {
    const decision = decide({ 'cache-control': 'max-age=600', 'cdn-cache-control': 'no-cache' });
    expect(decision.store && decision.meta.noCache).toBe(true);
  });

  it('takes must-revalidate and stale-while-revalidate from the targeted field only', () => {
    const decision = decide({ 'cache-control': 'max-age=5, must-revalidate', 'cdn-cache-control': 'max-age=60, stale-while-revalidate=30' });
    if (!decision.store) throw new Error(decision.reason);
    expect(decision.meta).toMatchObject({ freshnessLifetime: 60, mustRevalidate: false, staleWhileRevalidate: 30 });
  });

  it('caps a huge targeted max-age at 2^31 seconds instead of ignoring the field', () => {
    expect(lifetime(decide({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=9999999999999999999999' }))).toBe(2_147_483_648);
  });

  it('falls back to Cache-Control when the targeted field does not parse', () => {
    expect(decide({ 'cache-control': 'no-store', 'cdn-cache-control': 'MAX-AGE=600' })).toEqual({ store: false, reason: 'no-store' });
  });

  it('still obeys a request\'s no-store: targeted fields are about answers', () => {
    expect(decide({ 'cdn-cache-control': 'max-age=600' }, { 'cache-control': 'no-store' })).toEqual({ store: false, reason: 'no-store' });
  });

  it('lets a targeted public serve requests with Authorization, and not Cache-Control\'s public beside it', () => {
    expect(lifetime(decide({ 'cdn-cache-control': 'public, max-age=60' }, { authorization: 'Bearer x' }))).toBe(60);
    expect(decide({ 'cache-control': 'public, max-age=60', 'cdn-cache-control': 'max-age=60' }, { authorization: 'Bearer x' })).toEqual({ store: false, reason: 'authorization' });
  });

  it('tells the observer which field decided', () => {
    const fields: string[] = [];
    const observer = { targeted: (field: string) => fields.push(field), heuristic: () => undefined };
    decide({ 'edge-cache-control': 'max-age=1' }, {}, { ...OPTIONS, observer });
    decide({ 'cdn-cache-control': 'max-age=1' }, {}, { ...OPTIONS, observer });
    decide({ 'cache-control': 'max-age=1' }, {}, { ...OPTIONS, observer });
    expect(fields).toEqual(['edge-cache-control', 'cdn-cache-control']);
  });
});

describe('storedDirectives', () => {
  it('judges an entry by its edge-only field, kept apart from the headers a hit sends', () => {
    const entry = cacheEntry({ headers: ['cache-control', 'no-store'], edgeOnlyHeaders: ['edge-cache-control', 'public, max-age=60'] });
    expect(storedDirectives(entry, EDGE).has('public')).toBe(true);
    expect(storedDirectives(cacheEntry({ headers: ['cache-control', 'public'] }), EDGE).has('public')).toBe(true);
  });
});
