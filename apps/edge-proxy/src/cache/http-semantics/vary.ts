import type { IncomingHttpHeaders } from 'node:http';

/** Stands for an absent header: absent matches only absent, never an empty value (RFC 9111 §4.1). */
const ABSENT = '\u0000';

/**
 * The secondary cache key of a request for an answer that varies by `vary` (CacheEntry.vary: lower-case,
 * sorted): the request's values of those headers, repeated lines combined and whitespace around commas
 * normalised, so that equivalent requests share an entry. Empty string when the answer does not vary.
 */
export function secondaryKey(vary: readonly string[], headers: IncomingHttpHeaders): string {
  if (vary.length === 0) return '';
  let key = '';
  for (const name of vary) {
    const value = headers[name];
    key += `${name}:${value === undefined ? ABSENT : normalise(typeof value === 'string' ? value : value.join(','))}\n`;
  }
  return key;
}

function normalise(value: string): string {
  if (!value.includes(',')) return value.trim();
  return value
    .split(',')
    .map((member) => member.trim())
    .join(',');
}
