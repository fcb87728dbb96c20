import { describe, expect, it } from 'vitest';
import { requestPolicy } from './request-policy';

describe('requestPolicy', () => {
  it('lets a plain GET use and fill the cache', () => {
    expect(requestPolicy('GET', {})).toEqual({
      lookup: true,
      store: true,
      revalidate: false,
      maxAge: undefined,
      maxStale: undefined,
      minFresh: undefined,
      onlyIfCached: false,
    });
  });

  it.each<[string, string, Record<string, string>, boolean, boolean]>([
    ['HEAD is looked up but not stored', 'HEAD', {}, true, false],
    ['POST neither', 'POST', {}, false, false],
    ['DELETE neither', 'DELETE', {}, false, false],
    ['GET with no-store neither', 'GET', { 'cache-control': 'no-store' }, false, false],
    ['HEAD with no-store neither', 'HEAD', { 'cache-control': 'no-store' }, false, false],
  ])('%s', (_name, method, headers, lookup, store) => {
    const policy = requestPolicy(method, headers);
    expect([policy.lookup, policy.store]).toEqual([lookup, store]);
  });

  it.each<[string, Record<string, string>, boolean]>([
    ['no-cache', { 'cache-control': 'no-cache' }, true],
    ['max-age=0', { 'cache-control': 'max-age=0' }, true],
    ['max-age=1', { 'cache-control': 'max-age=1' }, false],
    ['Pragma: no-cache alone', { pragma: 'no-cache' }, true],
    ['Pragma: no-cache beside Cache-Control', { pragma: 'no-cache', 'cache-control': 'max-age=60' }, false],
    ['another Pragma', { pragma: 'x-foo' }, false],
  ])('revalidation demanded by %s: %s', (_name, headers, revalidate) => {
    expect(requestPolicy('GET', headers).revalidate).toBe(revalidate);
  });

  it.each<[string, number | true | undefined]>([
    ['max-stale', true],
    ['max-stale=30', 30],
    ['max-stale=abc', undefined],
    ['max-age=5', undefined],
  ])('reads %s as max-stale %s', (header, maxStale) => {
    expect(requestPolicy('GET', { 'cache-control': header }).maxStale).toBe(maxStale);
  });

  it('reads max-age, min-fresh and only-if-cached', () => {
    const policy = requestPolicy('GET', { 'cache-control': 'max-age=20, min-fresh=5, only-if-cached' });
    expect([policy.maxAge, policy.minFresh, policy.onlyIfCached]).toEqual([20, 5, true]);
  });
});
