import type { IncomingHttpHeaders } from 'node:http';

/** Separates the primary key from the vary values, and the values from each other; never part of a URL or header value. */
const SEPARATOR = '\u0000';
/** Stands for an absent header, so "absent" and "present but empty" are different variants (RFC 9111 §4.1). */
const ABSENT = '\u0001';

/** The key of one variant: the primary key alone when `vary` is empty, else primary + '\u0000' + the normalised values (trimmed, inner whitespace collapsed; absent header distinct from empty) of the named request headers in order. */
export function variantKey(primary: string, vary: readonly string[], headers: IncomingHttpHeaders): string {
  if (vary.length === 0) return primary;
  const values = vary.map((name) => normalise(headers[name.toLowerCase()]));
  return primary + SEPARATOR + values.join(SEPARATOR);
}

/** The primary key a variant key belongs to. */
export function primaryOf(key: string): string {
  const end = key.indexOf(SEPARATOR);
  return end === -1 ? key : key.slice(0, end);
}

function normalise(value: string | string[] | undefined): string {
  if (value === undefined) return ABSENT;
  const joined = Array.isArray(value) ? value.join(', ') : value;
  return joined.trim().replace(/\s+/g, ' ');
}
