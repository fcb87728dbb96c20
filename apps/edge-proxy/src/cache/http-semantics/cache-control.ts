import { BACKSLASH, COMMA, EQUALS, QUOTE, isSpace } from './char-codes';

/** Lower-case directive names; value is the unquoted argument or true. */
export type Directives = ReadonlyMap<string, string | true>;

/** RFC 9111 §1.2.2: a delta-seconds too large to represent counts as 2^31. */
export const MAX_DELTA_SECONDS = 2_147_483_648;

// Shared by every answer without Cache-Control: most answers on the hot path allocate nothing here.
const NO_DIRECTIVES: Directives = new Map();

/**
 * Parses Cache-Control (RFC 9111 §5.2) with one pass per line: `#( token [ "=" ( token / quoted-string ) ] )`.
 * Repeated directives keep their first value (§4.2.1 lets a cache pick the first occurrence).
 * Garbage after a directive up to the next comma is skipped, so one bad directive cannot hide the others.
 */
export function parseCacheControl(value: string | string[] | undefined): Directives {
  if (value === undefined) return NO_DIRECTIVES;
  if (typeof value === 'string') {
    if (value.length === 0) return NO_DIRECTIVES;
    const directives = new Map<string, string | true>();
    parseLine(value, directives);
    return directives;
  }
  const directives = new Map<string, string | true>();
  for (const line of value) parseLine(line, directives);
  return directives.size === 0 ? NO_DIRECTIVES : directives;
}

function parseLine(line: string, into: Map<string, string | true>): void {
  const length = line.length;
  let i = 0;
  while (i < length) {
    // Skip separators and whitespace before a directive name.
    let code = line.charCodeAt(i);
    while (i < length && (code === COMMA || isSpace(code))) code = line.charCodeAt(++i);
    if (i >= length) return;

    const nameStart = i;
    while (i < length) {
      code = line.charCodeAt(i);
      if (code === EQUALS || code === COMMA || isSpace(code)) break;
      i++;
    }
    const name = line.slice(nameStart, i).toLowerCase();
    while (i < length && isSpace(line.charCodeAt(i))) i++;

    let argument: string | true = true;
    if (i < length && line.charCodeAt(i) === EQUALS) {
      i++;
      while (i < length && isSpace(line.charCodeAt(i))) i++;
      if (i < length && line.charCodeAt(i) === QUOTE) {
        // quoted-string: a comma inside does not end the directive; backslash escapes one character.
        i++;
        let text = '';
        let chunkStart = i;
        while (i < length) {
          code = line.charCodeAt(i);
          if (code === QUOTE) break;
          if (code === BACKSLASH && i + 1 < length) {
            text += line.slice(chunkStart, i);
            chunkStart = i + 1;
            i += 2;
            continue;
          }
          i++;
        }
        argument = text + line.slice(chunkStart, i);
        if (i < length) i++; // the closing quote
      } else {
        const valueStart = i;
        while (i < length) {
          code = line.charCodeAt(i);
          if (code === COMMA || isSpace(code)) break;
          i++;
        }
        argument = line.slice(valueStart, i);
      }
    }
    // Anything else before the next comma is not part of a valid directive: skip it.
    while (i < length && line.charCodeAt(i) !== COMMA) i++;
    if (name.length > 0 && !into.has(name)) into.set(name, argument);
  }
}

/**
 * The non-negative integer seconds of a delta-seconds directive; undefined when absent, without an argument
 * or not made of digits only. Values beyond 2^31 are clamped (RFC 9111 §1.2.2).
 */
export function deltaSeconds(directives: Directives, name: string): number | undefined {
  const value = directives.get(name);
  if (value === undefined || value === true) return undefined;
  return parseDeltaSeconds(value);
}

/** `1*DIGIT` as a number clamped to 2^31, or undefined. */
export function parseDeltaSeconds(text: string): number | undefined {
  const length = text.length;
  if (length === 0) return undefined;
  let seconds = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    if (seconds < MAX_DELTA_SECONDS) seconds = seconds * 10 + digit;
  }
  return seconds > MAX_DELTA_SECONDS ? MAX_DELTA_SECONDS : seconds;
}

