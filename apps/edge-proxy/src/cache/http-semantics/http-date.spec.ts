import { describe, expect, it } from 'vitest';
import { formatHttpDate, parseHttpDate } from './http-date';

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('parseHttpDate', () => {
  it.each<[string, string | undefined, number | undefined]>([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', NOV_6_1994],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT', NOV_6_1994],
    ['asctime', 'Sun Nov  6 08:49:37 1994', NOV_6_1994],
    ['surrounding whitespace', ' Sun, 06 Nov 1994 08:49:37 GMT ', NOV_6_1994],
    ['a bare number', '0', undefined],
    ['a year', '2024', undefined],
    ['another zone', 'Sun, 06 Nov 1994 08:49:37 PST', undefined],
    ['an unknown month', 'Sun, 06 Foo 1994 08:49:37 GMT', undefined],
    ['an impossible hour', 'Sun, 06 Nov 1994 25:49:37 GMT', undefined],
    ['nothing', undefined, undefined],
  ])('parses %s', (_name, text, expected) => {
    expect(parseHttpDate(text)).toBe(expected);
  });
  it('reads back what it formats', () => {
    expect(parseHttpDate(formatHttpDate(NOV_6_1994))).toBe(NOV_6_1994);
  });
});
