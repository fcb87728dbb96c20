import { describe, expect, it } from 'vitest';
import { primaryKey } from './cache-key';

describe('primaryKey', () => {
  it.each<[string, string, boolean, string]>([
    ['a path', '/cdn/a/b.js', false, '/cdn/a/b.js'],
    ['a query as sent', '/cdn/a?b=1&a=2', false, '/cdn/a?b=1&a=2'],
    ['an empty ?', '/cdn/a?', false, '/cdn/a'],
    ['an empty ? when sorting', '/cdn/a?', true, '/cdn/a'],
    ['sorted parameters', '/cdn/a?b=1&a=2', true, '/cdn/a?a=2&b=1'],
    ['repeated names in their original order', '/cdn/a?b=1&a=2&b=0&a=1', true, '/cdn/a?a=2&a=1&b=1&b=0'],
    ['a single parameter', '/cdn/a?z=1', true, '/cdn/a?z=1'],
    ['flags without values', '/cdn/a?b&a=1', true, '/cdn/a?a=1&b'],
    ['empty parameters dropped when sorting', '/cdn/a?b=1&&a=2&', true, '/cdn/a?a=2&b=1'],
    ['only separators', '/cdn/a?&&', true, '/cdn/a'],
    ['names compared whole, not by prefix', '/cdn/a?ab=1&a=2', true, '/cdn/a?a=2&ab=1'],
    ['encoded values untouched', '/cdn/a?q=a%20b&p=%2F', true, '/cdn/a?p=%2F&q=a%20b'],
  ])('keeps %s', (_name, target, sortQuery, expected) => {
    expect(primaryKey(target, { sortQuery })).toBe(expected);
  });

  it('gives reordered queries one key when sorting', () => {
    expect(primaryKey('/cdn/x?b=1&a=2', { sortQuery: true })).toBe(primaryKey('/cdn/x?a=2&b=1', { sortQuery: true }));
  });
});
