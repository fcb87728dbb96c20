import { parseHttpDate } from './http-date';

/** Default cap of heuristic freshness in seconds (--cache-heuristic-max): one day, as Squid and Varnish use. */
export const DEFAULT_HEURISTIC_MAX = 86_400;

/** The fraction of the time since Last-Modified an answer is taken to stay fresh (RFC 9111 §4.2.2: "10% is typical"). */
const FRACTION = 0.1;

/**
 * Heuristic freshness (RFC 9111 §4.2.2) in whole seconds: 10% of the time between Last-Modified and the
 * answer's Date (ms), at most `max` seconds. Undefined when heuristics are off (`max` 0), or Last-Modified
 * is missing, invalid or later than Date (a clock that cannot be trusted gives nothing to go on).
 */
export function heuristicFreshness(lastModified: string | undefined, date: number, max: number): number | undefined {
  if (max === 0) return undefined;
  const modified = parseHttpDate(lastModified);
  if (modified === undefined || modified > date) return undefined;
  return Math.min(Math.floor(((date - modified) / 1000) * FRACTION), max);
}
