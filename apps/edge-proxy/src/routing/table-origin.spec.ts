import { describe, expect, it } from 'vitest';
import { formatAge, LIVE_TABLE, tableAgeSeconds } from './table-origin';

describe('the age of the routing table in use', () => {
  it('counts the seconds since a saved table was written', () => {
    expect(tableAgeSeconds({ source: 'saved', savedAt: 1_000, from: '/s' }, 91_999)).toBe(90);
  });

  it('is never negative, even when the clock went back since the table was saved', () => {
    expect(tableAgeSeconds({ source: 'saved', savedAt: 10_000, from: '/s' }, 1_000)).toBe(0);
  });

  it('is 0 for the live table, which is followed as it changes', () => {
    expect(tableAgeSeconds(LIVE_TABLE, 10_000)).toBe(0);
  });

  it.each([
    [42, '42 s'],
    [17 * 60 + 5, '17 min'],
    [5 * 3600 + 3 * 60, '5 h 3 min'],
    [12 * 86400 + 4 * 3600 + 59, '12 d 4 h'],
  ])('reads %i s as "%s" in the log', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});
