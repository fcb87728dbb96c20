/**
 * HTTP-date parsing (RFC 9110 §5.6.7): recipients must accept IMF-fixdate and the two obsolete forms.
 * Date.parse alone is too lenient (it takes "0" or "2024" as dates, but an invalid Expires means
 * "already expired"), so the shape is checked first with patterns compiled once.
 */
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** Milliseconds since the epoch of an HTTP-date, or undefined when it is not one. */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match !== null) return toTime(Number(match[3]), match[2], match[1], match[4], match[5], match[6]);
  match = RFC850_DATE.exec(text);
  if (match !== null) {
    // Two-digit years: RFC 9110 says to read them as the most recent past year with those digits; 50 is a fine pivot.
    const short = Number(match[3]);
    return toTime(short < 50 ? 2000 + short : 1900 + short, match[2], match[1], match[4], match[5], match[6]);
  }
  match = ASCTIME_DATE.exec(text);
  if (match !== null) return toTime(Number(match[6]), match[1], match[2], match[3], match[4], match[5]);
  return undefined;
}

function toTime(year: number, monthName: string, day: string, hours: string, minutes: string, seconds: string): number | undefined {
  const month = MONTHS[monthName];
  if (month === undefined) return undefined;
  const d = Number(day);
  const h = Number(hours);
  const m = Number(minutes);
  const s = Number(seconds);
  if (d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return undefined;
  return Date.UTC(year, month, d, h, m, s === 60 ? 59 : s);
}

/** An IMF-fixdate for a time in ms (what caches send in If-Modified-Since and Date). */
export function formatHttpDate(time: number): string {
  return new Date(time).toUTCString();
}
