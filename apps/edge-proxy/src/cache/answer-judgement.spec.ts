import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cacheEntry } from '../../test/cache-entry-fixture';
import { AnswerToJudge, judgeAnswer } from './answer-judgement';
import type { CacheEntry } from './store/cache-entry';

const OPTIONS = { defaultTtl: 60, staleIfErrorDefault: 0, storeSetCookie: false };
const T0 = 1_700_000_000_000;

/** A stored entry whose 60 s of freshness ran out 30 s ago. */
const stale = (overrides: Partial<CacheEntry> = {}) => cacheEntry({ requestTime: T0 - 90_000, responseTime: T0 - 90_000, etag: '"v1"', ...overrides });

function answer(status: number, headers: IncomingHttpHeaders, extra: Partial<AnswerToJudge> = {}): AnswerToJudge {
  return { request: { method: 'GET', headers: {} }, status, headers, times: { requestTime: T0, responseTime: T0 }, stale: undefined, now: T0, background: false, ...extra };
}

describe('judging a node\'s answer', () => {
  it('refreshes a stale entry on a 304, keeping its body', () => {
    const entry = stale();
    const judgement = judgeAnswer(answer(304, { etag: '"v1"', 'cache-control': 'max-age=120' }, { stale: entry }), OPTIONS);
    expect(judgement.kind).toBe('refreshed');
    if (judgement.kind !== 'refreshed') return;
    expect(judgement.fresh).toMatchObject({ body: entry.body, freshnessLifetime: 120, responseTime: T0 });
    expect(judgement.entry).toBe(judgement.fresh);
  });

  it('serves the stale entry, unchanged, when a 304 names another representation', () => {
    const entry = stale();
    const judgement = judgeAnswer(answer(304, { etag: '"v2"' }, { stale: entry }), OPTIONS);
    expect(judgement).toEqual({ kind: 'refreshed', fresh: undefined, entry });
  });

  it('serves stale on a 5xx within stale-if-error, for a client and in the background alike', () => {
    const entry = stale({ staleIfError: 60 });
    for (const background of [false, true]) {
      expect(judgeAnswer(answer(503, {}, { stale: entry, background }), OPTIONS)).toEqual({ kind: 'stale-if-error', entry });
    }
  });

  it('passes a 5xx past stale-if-error to a client, storable by its own headers', () => {
    const judgement = judgeAnswer(answer(500, { 'cache-control': 'max-age=10' }, { stale: stale() }), OPTIONS);
    expect(judgement).toMatchObject({ kind: 'store', modified: true });
  });

  it('fails a 5xx no client waits for, whatever its headers', () => {
    expect(judgeAnswer(answer(500, { 'cache-control': 'max-age=10' }, { background: true }), OPTIONS)).toEqual({ kind: 'failed' });
    expect(judgeAnswer(answer(502, {}, { stale: stale(), background: true }), OPTIONS)).toEqual({ kind: 'failed' });
  });

  it('stores a cacheable answer, and says when it replaces a stale entry', () => {
    expect(judgeAnswer(answer(200, { 'cache-control': 'max-age=60' }), OPTIONS)).toMatchObject({ kind: 'store', modified: false, decision: { store: true } });
    expect(judgeAnswer(answer(200, { 'cache-control': 'max-age=60' }, { stale: stale() }), OPTIONS)).toMatchObject({ kind: 'store', modified: true });
  });

  it('passes what may not be stored, with the reason', () => {
    expect(judgeAnswer(answer(200, { 'cache-control': 'no-store' }), OPTIONS)).toEqual({ kind: 'pass', decision: { store: false, reason: 'no-store' }, modified: false });
    expect(judgeAnswer(answer(206, {}), OPTIONS)).toMatchObject({ kind: 'pass', decision: { reason: 'content-range' } });
  });

  it('relays a 304 to a client\'s own conditional request: no entry was being revalidated', () => {
    expect(judgeAnswer(answer(304, { etag: '"v1"' }), OPTIONS)).toMatchObject({ kind: 'pass', decision: { reason: 'status' } });
  });
});
