import { describe, expect, it } from 'vitest';
import { secondaryKey } from './vary';

describe('secondaryKey', () => {
  it('is empty when the answer does not vary', () => {
    expect(secondaryKey([], { 'accept-encoding': 'gzip' })).toBe('');
  });
  it.each<[string, Record<string, string | string[]>, Record<string, string | string[]>, boolean]>([
    ['the same value', { 'accept-encoding': 'gzip' }, { 'accept-encoding': 'gzip' }, true],
    ['another value', { 'accept-encoding': 'gzip' }, { 'accept-encoding': 'br' }, false],
    ['whitespace around commas', { 'accept-encoding': 'gzip, br' }, { 'accept-encoding': 'gzip,br' }, true],
    ['repeated lines and one line', { 'accept-encoding': ['gzip', 'br'] }, { 'accept-encoding': 'gzip, br' }, true],
    ['absent on both', {}, {}, true],
    ['absent and empty', {}, { 'accept-encoding': '' }, false],
    ['an unrelated header', { 'accept-encoding': 'gzip', 'x-other': '1' }, { 'accept-encoding': 'gzip', 'x-other': '2' }, true],
    ['member order (significant)', { 'accept-encoding': 'gzip, br' }, { 'accept-encoding': 'br, gzip' }, false],
  ])('matches %s: %s', (_name, a, b, same) => {
    expect(secondaryKey(['accept-encoding'], a) === secondaryKey(['accept-encoding'], b)).toBe(same);
  });
  it('tells several varying headers apart', () => {
    const vary = ['accept', 'accept-language'];
    expect(secondaryKey(vary, { accept: 'a', 'accept-language': 'b' })).not.toBe(secondaryKey(vary, { accept: 'b', 'accept-language': 'a' }));
  });
});
