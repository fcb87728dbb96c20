import { describe, expect, it } from 'vitest';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import { combinePartials, completes, completionRequest, type PartialEntry, rangeFromPartial } from './partial-content';

const WHOLE = Buffer.from('0123456789abcdefghij');
const SIZE = WHOLE.length;

/** A stored 206 holding bytes first..last of WHOLE. */
function partial(first: number, last: number, overrides: Partial<PartialEntry> = {}): PartialEntry {
  return cacheEntry({
    status: 206,
    headers: ['etag', '"v1"', 'content-range', `bytes ${first}-${last}/${SIZE}`],
    body: WHOLE.subarray(first, last + 1),
    etag: '"v1"',
    partial: { start: first, completeLength: SIZE },
    ...overrides,
  }) as PartialEntry;
}

describe('rangeFromPartial (RFC 9111 §3.3)', () => {
  const stored = partial(5, 14);
  it.each([
    ['a range inside', 'bytes=5-14', { kind: 'partial', start: 5, end: 14 }],
    ['a range inside, open-ended at the stored end', 'bytes=10-14', { kind: 'partial', start: 10, end: 14 }],
    ['a start past the complete length', 'bytes=20-', { kind: 'unsatisfiable' }],
    ['a range starting before the stored bytes', 'bytes=4-10', undefined],
    ['a range ending after them', 'bytes=10-15', undefined],
    ['an open end beyond them', 'bytes=10-', undefined],
    ['a suffix beyond them', 'bytes=-3', undefined],
    ['several ranges', 'bytes=5-6,8-9', undefined],
  ])('%s', (_name, range, expected) => {
    expect(rangeFromPartial({ range }, stored)).toEqual(expected);
  });

  it('never answers a request without Range', () => {
    expect(rangeFromPartial({}, partial(0, SIZE - 2))).toBeUndefined();
  });

  it('does not answer when If-Range names another validator', () => {
    expect(rangeFromPartial({ range: 'bytes=5-6', 'if-range': '"v2"' }, stored)).toBeUndefined();
    expect(rangeFromPartial({ range: 'bytes=5-6', 'if-range': '"v1"' }, stored)).toEqual({ kind: 'partial', start: 5, end: 6 });
  });
});

describe('completionRequest (RFC 9111 §3.4)', () => {
  it('asks for the bytes after a stored prefix, if the strong ETag still holds', () => {
    expect(completionRequest(partial(0, 9))).toEqual({ range: 'bytes=10-', 'if-range': '"v1"' });
  });

  it.each([
    ['a range that does not start at 0', partial(5, 9)],
    ['a weak ETag', partial(0, 9, { etag: 'W/"v1"' })],
    ['no ETag', partial(0, 9, { etag: undefined })],
  ])('does not complete %s', (_name, entry) => {
    expect(completionRequest(entry)).toBeUndefined();
  });
});

describe('completes (RFC 9111 §3.4)', () => {
  const prefix = partial(0, 9);
  const rest = { etag: '"v1"', 'content-range': `bytes 10-19/${SIZE}`, 'content-length': '10' };
  it('accepts exactly the rest of the same representation', () => {
    expect(completes(prefix, 206, rest)).toBe(true);
    expect(completes(prefix, 206, { ...rest, 'content-length': undefined })).toBe(true);
  });

  it.each([
    ['a 200', 200, rest],
    ['another ETag', 206, { ...rest, etag: '"v2"' }],
    ['no ETag', 206, { ...rest, etag: undefined }],
    ['another complete length', 206, { ...rest, 'content-range': 'bytes 10-29/30' }],
    ['another start', 206, { ...rest, 'content-range': `bytes 9-19/${SIZE}` }],
    ['not up to the last byte', 206, { ...rest, 'content-range': `bytes 10-18/${SIZE}` }],
    ['a Content-Length that is not the range', 206, { ...rest, 'content-length': '11' }],
    ['an unknown length', 206, { ...rest, 'content-range': 'bytes 10-19/*' }],
  ])('refuses %s', (_name, status, headers) => {
    expect(completes(prefix, status, headers)).toBe(false);
  });
});

describe('combinePartials (RFC 9111 §3.4)', () => {
  it('joins adjacent ranges into one, with the newer metadata', () => {
    const combined = combinePartials(partial(0, 4), partial(5, 9, { nodeId: 'newer' }))!;
    expect(combined.partial).toEqual({ start: 0, completeLength: SIZE });
    expect(combined.body.toString()).toBe('0123456789');
    expect(combined.nodeId).toBe('newer');
  });

  it('joins overlapping ranges, whichever came first', () => {
    expect(combinePartials(partial(8, 14), partial(3, 9))!.body.toString()).toBe(WHOLE.subarray(3, 15).toString());
    expect(combinePartials(partial(3, 9), partial(8, 14))!.body.toString()).toBe(WHOLE.subarray(3, 15).toString());
    expect(combinePartials(partial(3, 14), partial(5, 6))!.body.toString()).toBe(WHOLE.subarray(3, 15).toString());
  });

  it('becomes a complete 200 without Content-Range once nothing is missing', () => {
    const whole = combinePartials(partial(0, 9), partial(10, 19))!;
    expect(whole.status).toBe(200);
    expect(whole.partial).toBeUndefined();
    expect(whole.headers).toEqual(['etag', '"v1"']);
    expect(whole.body.equals(WHOLE)).toBe(true);
  });

  it.each([
    ['ranges with a gap', partial(0, 4), partial(6, 9)],
    ['another ETag', partial(0, 4), partial(5, 9, { etag: '"v2"' })],
    ['weak ETags', partial(0, 4, { etag: 'W/"v1"' }), partial(5, 9, { etag: 'W/"v1"' })],
    ['no ETag', partial(0, 4, { etag: undefined }), partial(5, 9, { etag: undefined })],
    ['another complete length', partial(0, 4), partial(5, 9, { partial: { start: 5, completeLength: SIZE + 1 } })],
  ])('does not combine %s', (_name, older, newer) => {
    expect(combinePartials(older, newer)).toBeUndefined();
  });
});
