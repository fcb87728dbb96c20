import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { evaluateRange, type RangeDecision } from './range';

const LAST_MODIFIED = 'Mon, 01 Jan 2024 00:00:00 GMT';
const VALIDATORS = { etag: '"v1"', lastModified: LAST_MODIFIED };
const partial = (start: number, end: number): RangeDecision => ({ kind: 'partial', start, end });
const FULL: RangeDecision = { kind: 'full' };
const UNSATISFIABLE: RangeDecision = { kind: 'unsatisfiable' };

describe('evaluateRange on a 1000-byte body', () => {
  it.each<[string, IncomingHttpHeaders, RangeDecision]>([
    ['no Range', {}, FULL],
    ['the first bytes', { range: 'bytes=0-99' }, partial(0, 99)],
    ['a middle slice', { range: 'bytes=100-199' }, partial(100, 199)],
    ['an open end', { range: 'bytes=100-' }, partial(100, 999)],
    ['a suffix', { range: 'bytes=-500' }, partial(500, 999)],
    ['a suffix longer than the body', { range: 'bytes=-5000' }, partial(0, 999)],
    ['a last byte beyond the end', { range: 'bytes=900-5000' }, partial(900, 999)],
    ['one byte', { range: 'bytes=0-0' }, partial(0, 0)],
    ['the last byte', { range: 'bytes=999-999' }, partial(999, 999)],
    ['whitespace and unit case', { range: ' Bytes = 0 - 9 ' }, partial(0, 9)],
    ['a start at the end', { range: 'bytes=1000-' }, UNSATISFIABLE],
    ['a start beyond the end', { range: 'bytes=2000-3000' }, UNSATISFIABLE],
    ['a zero suffix', { range: 'bytes=-0' }, UNSATISFIABLE],
    ['several ranges (ignored)', { range: 'bytes=0-1,5-6' }, FULL],
    ['another unit', { range: 'items=0-1' }, FULL],
    ['last before first', { range: 'bytes=10-5' }, FULL],
    ['letters', { range: 'bytes=a-b' }, FULL],
    ['no dash', { range: 'bytes=10' }, FULL],
    ['no unit', { range: '0-10' }, FULL],
    ['an empty spec', { range: 'bytes=-' }, FULL],
    ['a negative start', { range: 'bytes=--5' }, FULL],
  ])('%s', (_name, headers, expected) => {
    expect(evaluateRange(headers, 1000, VALIDATORS)).toEqual(expected);
  });

  it.each<[string, string, RangeDecision]>([
    ['the same strong ETag', '"v1"', partial(0, 9)],
    ['another ETag', '"v2"', FULL],
    ['a weak ETag (strong comparison fails)', 'W/"v1"', FULL],
    ['the exact Last-Modified', LAST_MODIFIED, partial(0, 9)],
    ['another date', 'Tue, 02 Jan 2024 00:00:00 GMT', FULL],
  ])('If-Range with %s', (_name, ifRange, expected) => {
    expect(evaluateRange({ range: 'bytes=0-9', 'if-range': ifRange }, 1000, VALIDATORS)).toEqual(expected);
  });

  it('ignores If-Range against a weak stored ETag', () => {
    expect(evaluateRange({ range: 'bytes=0-9', 'if-range': 'W/"v1"' }, 1000, { etag: 'W/"v1"', lastModified: undefined })).toEqual(FULL);
  });
  it('ignores If-Range when nothing is stored to compare with', () => {
    expect(evaluateRange({ range: 'bytes=0-9', 'if-range': '"v1"' }, 1000, { etag: undefined, lastModified: undefined })).toEqual(FULL);
  });
  it('cannot satisfy any range of an empty body', () => {
    expect(evaluateRange({ range: 'bytes=-5' }, 0, VALIDATORS)).toEqual(UNSATISFIABLE);
    expect(evaluateRange({ range: 'bytes=0-5' }, 0, VALIDATORS)).toEqual(UNSATISFIABLE);
  });
});
