import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEURISTIC_MAX, heuristicFreshness } from './heuristic-freshness';
import { formatHttpDate } from './http-date';
import { decideStorage, type StoreDecision, type StoreOptions } from './storability';

// Fake clock: the answer arrives at T0; Last-Modified ten days earlier gives one day of heuristic freshness.
const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const DAY = 86_400;
const ago = (seconds: number) => formatHttpDate(T0 - seconds * 1000);
const TIMES = { requestTime: T0, responseTime: T0 };
const NO_TTL: StoreOptions = { defaultTtl: 0, staleIfErrorDefault: 600, storeSetCookie: false, heuristicMax: 7 * DAY };

function decide(headers: IncomingHttpHeaders, { status = 200, options = NO_TTL } = {}): StoreDecision {
  return decideStorage({ method: 'GET', headers: {} }, { status, headers: { date: formatHttpDate(T0), ...headers } }, TIMES, options);
}

function meta(decision: StoreDecision) {
  if (!decision.store) throw new Error(`not stored: ${decision.reason}`);
  return decision.meta;
}

describe('heuristicFreshness (RFC 9111 §4.2.2)', () => {
  it.each<[string, string | undefined, number, number | undefined]>([
    ['10% of the time since Last-Modified', ago(10 * DAY), DAY * 7, DAY],
    ['capped', ago(1000 * DAY), DAY, DAY],
    ['rounded down', ago(19), DAY, 1],
    ['0 when modified at Date', ago(0), DAY, 0],
    ['nothing when Last-Modified is after Date', ago(-60), DAY, undefined],
    ['nothing for an invalid Last-Modified', 'yesterday', DAY, undefined],
    ['nothing without Last-Modified', undefined, DAY, undefined],
    ['nothing when turned off', ago(10 * DAY), 0, undefined],
  ])('%s', (_name, lastModified, max, expected) => {
    expect(heuristicFreshness(lastModified, T0, max)).toBe(expected);
  });

  it('caps at one day by default', () => {
    expect(DEFAULT_HEURISTIC_MAX).toBe(DAY);
  });
});

describe('decideStorage: heuristic freshness with no default TTL', () => {
  it.each([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501])('gives a %i with Last-Modified 10%% of its age', (status) => {
    expect(meta(decide({ 'last-modified': ago(10 * DAY) }, { status })).freshnessLifetime).toBe(DAY);
  });

  it('gives any status heuristic freshness when the answer says public', () => {
    expect(meta(decide({ 'last-modified': ago(10 * DAY), 'cache-control': 'public' }, { status: 302 })).freshnessLifetime).toBe(DAY);
  });

  it('stores no other status without public', () => {
    expect(decide({ 'last-modified': ago(10 * DAY) }, { status: 302 })).toEqual({ store: false, reason: 'no-freshness' });
  });

  it('measures from the time of arrival when there is no Date', () => {
    const decision = decideStorage({ method: 'GET', headers: {} }, { status: 200, headers: { 'last-modified': ago(10 * DAY) } }, TIMES, NO_TTL);
    expect(meta(decision).freshnessLifetime).toBe(DAY);
  });

  it('prefers explicit freshness: max-age, and Expires', () => {
    expect(meta(decide({ 'last-modified': ago(10 * DAY), 'cache-control': 'max-age=5' })).freshnessLifetime).toBe(5);
    expect(meta(decide({ 'last-modified': ago(10 * DAY), expires: ago(-60) })).freshnessLifetime).toBe(60);
  });

  it.each(['no-cache', 'must-revalidate', 'proxy-revalidate'])('gives none to an answer that says %s', (directive) => {
    expect(meta(decide({ 'last-modified': ago(10 * DAY), 'cache-control': directive })).freshnessLifetime).toBe(0);
  });

  it('gives none with a Last-Modified in the future, nor when turned off (--cache-heuristic-max 0)', () => {
    expect(meta(decide({ 'last-modified': ago(-60) })).freshnessLifetime).toBe(0);
    expect(meta(decide({ 'last-modified': ago(10 * DAY) }, { options: { ...NO_TTL, heuristicMax: 0 } })).freshnessLifetime).toBe(0);
  });

  it('leaves --cache-time its meaning: the default TTL when set, for statuses cacheable by default only', () => {
    const withTtl = { ...NO_TTL, defaultTtl: 30 };
    expect(meta(decide({ 'last-modified': ago(10 * DAY) }, { options: withTtl })).freshnessLifetime).toBe(30);
    expect(decide({ 'last-modified': ago(10 * DAY), 'cache-control': 'public' }, { status: 302, options: withTtl })).toEqual({ store: false, reason: 'no-freshness' });
  });

  it('keeps the --stale-if-error default for heuristically fresh answers', () => {
    expect(meta(decide({ 'last-modified': ago(10 * DAY) })).staleIfError).toBe(600);
  });

  it('tells the observer', () => {
    const seen: number[] = [];
    decide({ 'last-modified': ago(10 * DAY) }, { options: { ...NO_TTL, observer: { targeted: () => undefined, heuristic: (s) => seen.push(s) } } });
    expect(seen).toEqual([DAY]);
  });
});
