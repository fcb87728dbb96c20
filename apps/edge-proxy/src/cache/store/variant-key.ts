import type { IncomingHttpHeaders } from 'node:http';
import { selectingValue } from '../http-semantics/vary';

/** Separates the primary key from the vary values, and the values from each other; never part of a URL or header value. */
const SEPARATOR = '\u0000';
/** Stands for an absent header, so "absent" and "present but empty" are different variants (RFC 9111 §4.1). */
const ABSENT = '\u0001';

/**
 * The key of one variant: the primary key alone when `vary` is empty, else primary + '\u0000' + the normalised
 * values (selectingValue; absent header distinct from empty) of the named request headers in order. `chosen`
 * puts a value already in key form (from valueIn) in place of one header's: another variant the request may take.
 */
export function variantKey(primary: string, vary: readonly string[], headers: IncomingHttpHeaders, chosen?: { name: string; value: string }): string {
  if (vary.length === 0) return primary;
  let key = primary;
  for (const name of vary) {
    const lower = name.toLowerCase();
    key += SEPARATOR + (chosen?.name === lower ? chosen.value : normalise(lower, headers[lower]));
  }
  return key;
}

/** The value (in key form) of header `name` in a variant key made with `vary`; undefined when `name` is not one of them. */
export function valueIn(key: string, vary: readonly string[], name: string): string | undefined {
  const index = vary.indexOf(name);
  if (index === -1) return undefined;
  return key.split(SEPARATOR)[index + 1];
}

/** The primary key a variant key belongs to. */
export function primaryOf(key: string): string {
  const end = key.indexOf(SEPARATOR);
  return end === -1 ? key : key.slice(0, end);
}

function normalise(name: string, value: string | string[] | undefined): string {
  if (value === undefined) return ABSENT;
  return selectingValue(name, Array.isArray(value) ? value.join(',') : value);
}
