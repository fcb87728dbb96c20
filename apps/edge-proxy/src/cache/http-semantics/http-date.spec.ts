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
    // RFC 9110 §5.6.7: recipients accept the obsolete forms, and real servers get the case wrong.
    ['RFC 850 in lower case', 'sunday, 06-nov-94 08:49:37 gmt', NOV_6_1994],
    ['asctime in upper case', 'SUN NOV  6 08:49:37 1994', NOV_6_1994],
    ['IMF-fixdate in upper case', 'SUN, 06 NOV 1994 08:49:37 GMT', NOV_6_1994],
    ['IMF-fixdate in mixed case', 'sUn, 06 nOv 1994 08:49:37 gMt', NOV_6_1994],
    ['a weekday that does not match the date', 'Mon, 06 Nov 1994 08:49:37 GMT', NOV_6_1994],
    ['RFC 850 with a short weekday', 'Sun, 06-Nov-94 08:49:37 GMT', NOV_6_1994],
    ['RFC 850 with a four-digit year (cookie style)', 'Sunday, 06-Nov-1994 08:49:37 GMT', NOV_6_1994],
    ['RFC 850 with a year after the pivot', 'Tuesday, 01-Jan-30 00:00:00 GMT', Date.UTC(2030, 0, 1)],
    ['asctime with a long weekday', 'Sunday Nov  6 08:49:37 1994', NOV_6_1994],
    ['asctime with one space before a one-digit day', 'Sun Nov 6 08:49:37 1994', NOV_6_1994],
    ['asctime with a two-digit day', 'Thu Nov 24 08:49:37 1994', Date.UTC(1994, 10, 24, 8, 49, 37)],
    ['a made-up weekday', 'Sux, 06 Nov 1994 08:49:37 GMT', undefined],
    ['a weekday with a wrong ending', 'Sunsday, 06-Nov-94 08:49:37 GMT', undefined],
    ['a weekday cut short', 'Su, 06 Nov 1994 08:49:37 GMT', undefined],
    ['no weekday', '06 Nov 1994 08:49:37 GMT', undefined],
    ['a day the month does not have', 'Thu, 31 Feb 1994 08:49:37 GMT', undefined],
    ['day zero', 'Sun, 00 Nov 1994 08:49:37 GMT', undefined],
    ['RFC 850 with a three-digit year', 'Sunday, 06-Nov-994 08:49:37 GMT', undefined],
    ['asctime with a zone', 'Sun Nov  6 08:49:37 1994 GMT', undefined],
    ['RFC 850 without its zone', 'Sunday, 06-Nov-94 08:49:37', undefined],
    ['a time without seconds', 'Sun, 06 Nov 1994 08:49 GMT', undefined],
    ['trailing garbage', 'Sun, 06 Nov 1994 08:49:37 GMT; x', undefined],
    ['a month spelt out', 'Sun, 06 November 1994 08:49:37 GMT', undefined],
    ['a negative number', '-1', undefined],
  ])('parses %s', (_name, text, expected) => {
    expect(parseHttpDate(text)).toBe(expected);
  });
  it('reads back what it formats', () => {
    expect(parseHttpDate(formatHttpDate(NOV_6_1994))).toBe(NOV_6_1994);
  });
});
