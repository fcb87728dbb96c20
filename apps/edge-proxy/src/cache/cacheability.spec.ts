import { describe, expect, it } from 'vitest';
import { ageSeconds, cacheKey, isStorableResponse, requestCacheMode } from './cacheability';

const LIMIT = 8 * 1024 * 1024;

describe('cacheKey', () => {
  it('is the path with its query', () => {
    expect(cacheKey('/cdn/a/b.js?v=2')).toBe('/cdn/a/b.js?v=2');
  });
  it('tells queries apart', () => {
    expect(cacheKey('/cdn/a?v=1')).not.toBe(cacheKey('/cdn/a?v=2'));
  });
});

describe('requestCacheMode', () => {
  it.each([
    [true, 'GET', {}, 'LOOKUP'],
    [false, 'GET', {}, 'BYPASS'],
    [true, 'HEAD', {}, 'BYPASS'],
    [true, 'POST', {}, 'BYPASS'],
    [true, 'GET', { authorization: 'Bearer x' }, 'BYPASS'],
  ] as const)('cache on=%s %s %j -> %s', (on, method, headers, mode) => {
    expect(requestCacheMode(on, method, headers)).toBe(mode);
  });
});

describe('isStorableResponse', () => {
  it('stores a plain 200', () => {
    expect(isStorableResponse(200, { 'content-type': 'text/plain' }, LIMIT)).toBe(true);
  });
  it.each([
    ['a 404', 404, {}],
    ['a 206', 206, {}],
    ['no-store', 200, { 'cache-control': 'public, no-store' }],
    ['private', 200, { 'cache-control': 'private, max-age=60' }],
    ['Set-Cookie', 200, { 'set-cookie': ['a=1'] }],
    ['Vary: *', 200, { vary: '*' }],
    ['a declared length over the limit', 200, { 'content-length': String(LIMIT + 1) }],
  ])('does not store %s', (_name, status, headers) => {
    expect(isStorableResponse(status, headers, LIMIT)).toBe(false);
  });
  it('reads directives, not substrings', () => {
    expect(isStorableResponse(200, { 'cache-control': 'max-age=60, x-no-store-hint' }, LIMIT)).toBe(true);
  });
  it('stores a body exactly at the limit', () => {
    expect(isStorableResponse(200, { 'content-length': String(LIMIT) }, LIMIT)).toBe(true);
  });
});

describe('ageSeconds', () => {
  it('counts whole seconds since storage', () => {
    expect(ageSeconds(1_000, 3_999)).toBe(2);
  });
  it('is never negative when the clock steps back', () => {
    expect(ageSeconds(5_000, 4_000)).toBe(0);
  });
});
