import { describe, expect, it } from 'vitest';
import { type ContentRange, singlePartRange } from './content-range';

describe('singlePartRange (RFC 9110 §14.4)', () => {
  it.each<[string, string | undefined, ContentRange | undefined]>([
    ['one range of a known length', 'bytes 0-99/1000', { first: 0, last: 99, completeLength: 1000 }],
    ['the last byte', 'bytes 999-999/1000', { first: 999, last: 999, completeLength: 1000 }],
    ['unit case and surrounding whitespace', ' Bytes 5-9/10 ', { first: 5, last: 9, completeLength: 10 }],
    ['no Content-Range (multipart/byteranges)', undefined, undefined],
    ['an unknown complete length', 'bytes 0-99/*', undefined],
    ['an unsatisfied range', 'bytes */1000', undefined],
    ['another unit', 'items 0-1/2', undefined],
    ['last before first', 'bytes 10-5/100', undefined],
    ['a last byte beyond the length', 'bytes 0-100/100', undefined],
    ['a repeated field (node:http joins the lines)', 'bytes 0-9/100, bytes 10-19/100', undefined],
    ['a negative first byte', 'bytes -1-9/100', undefined],
    ['a length no Buffer can hold', 'bytes 0-9/99999999999999999999', undefined],
    ['garbage', 'bytes 0-9/100; x', undefined],
  ])('%s', (_name, value, expected) => {
    expect(singlePartRange(value === undefined ? {} : { 'content-range': value })).toEqual(expected);
  });
});
