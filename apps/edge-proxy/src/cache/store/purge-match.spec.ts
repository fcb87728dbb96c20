import { describe, expect, it } from 'vitest';
import { isEmptyPurge, matchesPurge, type PurgeMatch } from './purge-match';

const none: PurgeMatch = { urls: [], prefixes: [], tags: [] };
const variant = 'example.com/img/a.png\u0000gzip';

describe('purge matching', () => {
  it('hits every variant of an exact url, and only that url', () => {
    expect(matchesPurge(variant, { tags: [] }, { ...none, urls: ['example.com/img/a.png'] })).toBe(true);
    expect(matchesPurge('example.com/img/a.png', { tags: [] }, { ...none, urls: ['example.com/img/a.png'] })).toBe(true);
    expect(matchesPurge('example.com/img/a.png.bak', { tags: [] }, { ...none, urls: ['example.com/img/a.png'] })).toBe(false);
  });

  it('hits keys whose primary key starts with a prefix', () => {
    expect(matchesPurge(variant, { tags: [] }, { ...none, prefixes: ['example.com/img/'] })).toBe(true);
    expect(matchesPurge('example.com/css/a.css', { tags: [] }, { ...none, prefixes: ['example.com/img/'] })).toBe(false);
  });

  it('hits entries carrying one of the tags', () => {
    expect(matchesPurge('k', { tags: ['a', 'product-1'] }, { ...none, tags: ['product-1'] })).toBe(true);
    expect(matchesPurge('k', { tags: ['a'] }, { ...none, tags: ['product-1'] })).toBe(false);
  });

  it('hits nothing when it names nothing', () => {
    expect(matchesPurge(variant, { tags: ['a'] }, none)).toBe(false);
    expect(isEmptyPurge(none)).toBe(true);
    expect(isEmptyPurge({ ...none, tags: ['a'] })).toBe(false);
  });
});
