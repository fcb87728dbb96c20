/**
 * HTTP-date parsing (RFC 9110 §5.6.7): recipients must accept IMF-fixdate and the two obsolete forms
 * (RFC 850 and asctime). Date.parse alone is too lenient (it takes "0" or "2024" as dates, but an
 * invalid Expires means "already expired"), so the shape is checked first with patterns compiled once.
 * What old servers really send is accepted too: weekday, month and zone names in any case, a weekday
 * that does not match the date (recipients ignore it), short or long weekday names in any form, a
 * four-digit year in the RFC 850 form (as cookies' Expires) and a one-digit day in asctime.
 */
const WEEKDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^${WEEKDAY}, (\\d{2}) ([a-z]{3}) (\\d{4}) ${TIME} GMT$`, 'i');
const RFC850_DATE = new RegExp(`^${WEEKDAY}, (\\d{2})-([a-z]{3})-(\\d{2}|\\d{4}) ${TIME} GMT$`, 'i');
const ASCTIME_DATE = new RegExp(`^${WEEKDAY} ([a-z]{3}) {1,2}(\\d{1,2}) ${TIME} (\\d{4})$`, 'i');

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** Milliseconds since the epoch of an HTTP-date, or undefined when it is not one. */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match !== null) return toTime(Number(match[3]), match[2], match[1], match[4], match[5], match[6]);
  match = RFC850_DATE.exec(text);
  if (match !== null) {
    // Two-digit years: RFC 9110 says to read them as the most recent past year with those digits; 50 is a fine pivot.
    const year = Number(match[3]);
    const fullYear = match[3].length === 4 ? year : year < 50 ? 2000 + year : 1900 + year;
    return toTime(fullYear, match[2], match[1], match[4], match[5], match[6]);
  }
  match = ASCTIME_DATE.exec(text);
  if (match !== null) return toTime(Number(match[6]), match[1], match[2], match[3], match[4], match[5]);
  return undefined;
}

function toTime(year: number, monthName: string, day: string, hours: string, minutes: string, seconds: string): number | undefined {
  const month = MONTHS[monthName.toLowerCase()];
  if (month === undefined) return undefined;
  const d = Number(day);
  const h = Number(hours);
  const m = Number(minutes);
  const s = Number(seconds);
  if (d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return undefined;
  const time = Date.UTC(year, month, d, h, m, s === 60 ? 59 : s);
  // Date.UTC rolls 31 Feb over into March: a day the month does not have is no date.
  return new Date(time).getUTCDate() === d ? time : undefined;
}

/** An IMF-fixdate for a time in ms (what caches send in If-Modified-Since and Date). */
export function formatHttpDate(time: number): string {
  return new Date(time).toUTCString();
}
