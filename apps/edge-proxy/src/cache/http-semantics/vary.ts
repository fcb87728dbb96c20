import { formatWeightedList, parseWeightedList } from './weighted-list';

/** Selecting headers whose value is a q-weighted list (RFC 9110 §12.5); `true` for Accept, whose members are media ranges with parameters. */
const WEIGHTED_LISTS: ReadonlyMap<string, boolean> = new Map([
  ['accept', true],
  ['accept-charset', false],
  ['accept-encoding', false],
  ['accept-language', false],
]);

/**
 * A request's value of a header named by Vary (`name` lower-case; repeated lines already joined with ","), in
 * a form that requests meaning the same share (RFC 9111 §4.1 lets a cache normalise them). Every header:
 * whitespace outside quoted strings collapsed, and removed around `,` and `;`. The q-weighted lists (Accept,
 * Accept-Charset, Accept-Encoding, Accept-Language) are also lower-cased and sorted by q, with q=1 left out and
 * q=0 ("not acceptable") kept; one this cannot read safely keeps its written form, so it only matches itself.
 */
export function selectingValue(name: string, value: string): string {
  const spaced = normaliseWhitespace(value);
  const mediaTypes = WEIGHTED_LISTS.get(name);
  if (mediaTypes === undefined) return spaced;
  const members = parseWeightedList(spaced, mediaTypes);
  return members === undefined ? spaced : formatWeightedList(members);
}

const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Runs of spaces and tabs outside quoted strings become one space, or none next to `,`, `;` or either end; a quoted string is kept as written. */
function normaliseWhitespace(value: string): string {
  let out = '';
  let pendingSpace = false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (quoted) {
      out += value[i];
      if (code === BACKSLASH && i + 1 < value.length) out += value[++i];
      else if (code === QUOTE) quoted = false;
      continue;
    }
    if (code === SPACE || code === TAB) {
      pendingSpace = true;
      continue;
    }
    const separator = code === COMMA || code === SEMICOLON;
    const last = out.charCodeAt(out.length - 1);
    if (pendingSpace && !separator && out.length > 0 && last !== COMMA && last !== SEMICOLON) out += ' ';
    pendingSpace = false;
    if (code === QUOTE) quoted = true;
    out += value[i];
  }
  return out;
}
