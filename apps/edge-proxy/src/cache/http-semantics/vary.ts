import { formatWeightedList, parseWeightedList } from './weighted-list';
import { BACKSLASH, COMMA, QUOTE, SEMICOLON, SPACE, TAB, isSpace } from './char-codes';

/** Selecting headers whose value is a q-weighted list (RFC 9110 §12.5), each with the canonical forms of values seen lately. */
const CANONICAL_FORMS: ReadonlyMap<string, Map<string, string>> = new Map([
  ['accept', new Map()],
  ['accept-charset', new Map()],
  ['accept-encoding', new Map()],
  ['accept-language', new Map()],
]);
/** Browsers send few distinct values, so most lookups find theirs; a flood of distinct ones only empties the memo, and long ones are never kept. */
const MAX_REMEMBERED_FORMS = 1_000;
const MAX_REMEMBERED_LENGTH = 256;

/**
 * A request's value of a header named by Vary (`name` lower-case; repeated lines already joined with ","), in
 * a form that requests meaning the same share (RFC 9111 §4.1 lets a cache normalise them). Every header:
 * whitespace outside quoted strings collapsed, and removed around `,` and `;`. The q-weighted lists (Accept,
 * Accept-Charset, Accept-Encoding, Accept-Language) are also lower-cased and sorted by q, with q=1 left out and
 * q=0 ("not acceptable") kept; one this cannot read safely keeps its written form, so it only matches itself.
 */
export function selectingValue(name: string, value: string): string {
  const forms = CANONICAL_FORMS.get(name);
  if (forms === undefined) return normaliseWhitespace(value);
  let canonical = forms.get(value);
  if (canonical !== undefined) return canonical;
  canonical = weightedListForm(normaliseWhitespace(value), name === 'accept');
  if (value.length <= MAX_REMEMBERED_LENGTH) {
    if (forms.size >= MAX_REMEMBERED_FORMS) forms.clear();
    forms.set(value, canonical);
  }
  return canonical;
}

function weightedListForm(spaced: string, mediaTypes: boolean): string {
  const members = parseWeightedList(spaced, mediaTypes);
  return members === undefined ? spaced : formatWeightedList(members);
}

/** Runs of spaces and tabs outside quoted strings become one space, or none next to `,`, `;` or either end; a quoted string is kept as written. */
function normaliseWhitespace(value: string): string {
  if (!hasSpaceOrQuote(value)) return value;
  let out = '';
  // Leading spaces go, as after a separator.
  let last = COMMA;
  let i = 0;
  while (i < value.length) {
    if (isSpace(value.charCodeAt(i))) {
      let next = i + 1;
      while (next < value.length && isSpace(value.charCodeAt(next))) next++;
      // The end counts as a separator too: trailing spaces go.
      const following = next < value.length ? value.charCodeAt(next) : COMMA;
      if (!isSeparator(last) && !isSeparator(following)) out += ' ';
      i = next;
      continue;
    }
    // Copied a run at a time, up to the next space; a quoted string whole, whatever it holds.
    let end = i;
    while (end < value.length && !isSpace(value.charCodeAt(end))) end = value.charCodeAt(end) === QUOTE ? quotedEnd(value, end) : end + 1;
    out += value.slice(i, end);
    last = value.charCodeAt(end - 1);
    i = end;
  }
  return out;
}

function isSeparator(code: number): boolean {
  return code === COMMA || code === SEMICOLON;
}

function hasSpaceOrQuote(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === SPACE || code === TAB || code === QUOTE) return true;
  }
  return false;
}

/** The index just past the quoted string starting at `start` (or the end of the value when it is not closed). */
function quotedEnd(value: string, start: number): number {
  for (let i = start + 1; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i + 1;
  }
  return value.length;
}
