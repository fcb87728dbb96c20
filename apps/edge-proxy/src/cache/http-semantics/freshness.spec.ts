import { describe, expect, it } from 'vitest';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import type { CacheEntry } from '../store/cache-entry';
import { ageHeader, currentAge, retentionMs, usability, usableOnError } from './freshness';
import { requestPolicy } from './request-policy';

// Fake clock: the entry arrived at T0; at(n) is n seconds later.
const T0 = 1_700_000_000_000;
const at = (seconds: number): number => T0 + seconds * 1000;

/** An entry that arrived at T0. */
const entry = (overrides: Partial<CacheEntry> = {}): CacheEntry => cacheEntry({ requestTime: T0, responseTime: T0, ...overrides });

const plain = requestPolicy('GET', {});
const withCacheControl = (value: string) => requestPolicy('GET', { 'cache-control': value });

describe('currentAge and ageHeader', () => {
  it('adds resident time to the initial age', () => {
    expect(currentAge(entry({ initialAge: 10 }), at(5.5))).toBe(15.5);
  });
  it('never counts back when the clock steps back', () => {
    expect(currentAge(entry({ initialAge: 3 }), at(-10))).toBe(3);
  });
  it('gives whole seconds for the Age header', () => {
    expect(ageHeader(entry({ initialAge: 1.6 }), at(2.9))).toBe('4');
  });
});

describe('usability', () => {
  it.each<[string, Partial<CacheEntry>, number, ReturnType<typeof requestPolicy>, string]>([
    ['fresh within max-age', {}, 59, plain, 'fresh'],
    ['stale exactly at its lifetime', {}, 60, plain, 'revalidate'],
    ['stale after its lifetime', {}, 61, plain, 'revalidate'],
    ['stale sooner when it arrived old', { initialAge: 50 }, 11, plain, 'revalidate'],
    ['fresh with a zero lifetime never', { freshnessLifetime: 0 }, 0, plain, 'revalidate'],
    ['no-cache always revalidated', { noCache: true }, 1, plain, 'revalidate'],
    ['client no-cache', {}, 1, withCacheControl('no-cache'), 'revalidate'],
    ['client max-age=0', {}, 1, withCacheControl('max-age=0'), 'revalidate'],
    ['client Pragma: no-cache', {}, 1, requestPolicy('GET', { pragma: 'no-cache' }), 'revalidate'],
    ['within client max-age', {}, 10, withCacheControl('max-age=20'), 'fresh'],
    ['older than client max-age', {}, 30, withCacheControl('max-age=20'), 'revalidate'],
    ['enough left for min-fresh', {}, 30, withCacheControl('min-fresh=20'), 'fresh'],
    ['not enough left for min-fresh', {}, 50, withCacheControl('min-fresh=20'), 'revalidate'],
    ['stale within max-stale', {}, 70, withCacheControl('max-stale=20'), 'fresh'],
    ['stale beyond max-stale', {}, 90, withCacheControl('max-stale=20'), 'revalidate'],
    ['stale with any max-stale', {}, 100_000, withCacheControl('max-stale'), 'fresh'],
    ['max-stale with must-revalidate', { mustRevalidate: true }, 70, withCacheControl('max-stale'), 'revalidate'],
    ['within stale-while-revalidate', { staleWhileRevalidate: 30 }, 80, plain, 'stale-while-revalidate'],
    ['beyond stale-while-revalidate', { staleWhileRevalidate: 30 }, 91, plain, 'revalidate'],
    ['stale-while-revalidate with must-revalidate', { staleWhileRevalidate: 30, mustRevalidate: true }, 80, plain, 'revalidate'],
    ['stale-while-revalidate when the client sets min-fresh', { staleWhileRevalidate: 30 }, 80, withCacheControl('min-fresh=1'), 'revalidate'],
    ['soft-purged while fresh', { invalidatedAt: at(10) }, 10, plain, 'revalidate'],
    ['soft-purged in the future', { invalidatedAt: at(20) }, 10, plain, 'fresh'],
    ['soft-purged within stale-while-revalidate', { invalidatedAt: at(10), staleWhileRevalidate: 30 }, 20, plain, 'stale-while-revalidate'],
    ['soft-purged past stale-while-revalidate', { invalidatedAt: at(10), staleWhileRevalidate: 30 }, 41, plain, 'revalidate'],
  ])('%s', (_name, overrides, seconds, policy, expected) => {
    expect(usability(entry(overrides), at(seconds), policy)).toBe(expected);
  });
});

describe('usableOnError', () => {
  it.each<[string, Partial<CacheEntry>, number, boolean]>([
    ['a fresh entry', {}, 10, true],
    ['within stale-if-error', { staleIfError: 60 }, 100, true],
    ['beyond stale-if-error', { staleIfError: 60 }, 121, false],
    ['stale without stale-if-error', {}, 61, false],
    ['must-revalidate with an explicit stale-if-error', { mustRevalidate: true, staleIfError: 60 }, 100, true],
    ['a fresh no-cache entry without stale-if-error', { noCache: true }, 10, false],
    ['a no-cache entry with an explicit stale-if-error', { noCache: true, staleIfError: 60 }, 100, true],
    ['soft-purged, within stale-if-error of the purge', { invalidatedAt: at(10), staleIfError: 30 }, 30, true],
    ['soft-purged, without stale-if-error', { invalidatedAt: at(10) }, 20, false],
  ])('%s: %s', (_name, overrides, seconds, expected) => {
    expect(usableOnError(entry(overrides), at(seconds))).toBe(expected);
  });
});

describe('retentionMs', () => {
  it.each<[string, Partial<CacheEntry>, number]>([
    ['freshness only', {}, 60_000],
    ['what is left when it arrived old', { initialAge: 20 }, 40_000],
    ['nothing when it arrived expired', { initialAge: 100 }, 0],
    ['plus the longer stale window', { staleWhileRevalidate: 30, staleIfError: 100 }, 160_000],
    ['plus a margin with an ETag', { etag: '"a"' }, 360_000],
    ['plus a margin with Last-Modified', { lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' }, 360_000],
  ])('keeps %s', (_name, overrides, expected) => {
    expect(retentionMs(entry(overrides))).toBe(expected);
  });
});
