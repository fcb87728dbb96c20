/**
 * One normal form for the path of a request target, so that every spelling a node reads as the same
 * resource is one cache key, one request to the node and one thing to purge (RFC 3986 §6.2.2):
 *
 * - a percent-encoded unreserved character is decoded (`%61` → `a`, `%7E` → `~`, `%2E` → `.`); every other
 *   percent-encoding is kept, in upper case (`%2f` → `%2F`: an encoded slash is never a separator);
 * - a character that may not appear raw in a path (space, `"`, `<`, `>`, `\`, `^`, backquote, `{`, `|`, `}`, `#`,
 *   controls, non-ASCII) is percent-encoded, as UTF-8;
 * - runs of slashes become one (`//a` → `/a`), as nginx's merge_slashes and most origins read them;
 * - dot segments are removed (RFC 3986 §5.2.4: `./a` → `a`, `x/../a` → `a`), never above the root.
 *
 * The query is left as it is: what it means is up to the application.
 */

// 0: must be percent-encoded; 1: may appear raw (unreserved, sub-delims, ":", "@"); "/" and "%" are handled apart.
const RAW_OK = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@") RAW_OK[c.charCodeAt(0)] = 1;
const UNRESERVED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[c.charCodeAt(0)] = 1;

const SLASH = 0x2f;
const DOT = 0x2e;
const PERCENT = 0x25;

/**
 * The normal form of an origin-form target (`<root>/<path>[?<query>]`), or undefined when its path has a
 * malformed percent-encoding. `root` (e.g. `/cdn`) is a prefix the target starts with, which dot segments
 * cannot climb above: `/cdn/../x` is `/cdn/x`. A target already in normal form is returned as it is (the
 * same string: the common case allocates nothing).
 */
export function normalizeTarget(target: string, root = ''): string | undefined {
  const question = target.indexOf('?');
  const pathEnd = question === -1 ? target.length : question;
  if (isNormalPath(target, root.length, pathEnd)) return target;
  const path = normalizePath(target.slice(root.length, pathEnd));
  if (path === undefined) return undefined;
  return root + path + (question === -1 ? '' : target.slice(question));
}

/** The fast check: no `%`, no character to encode, no empty or dot segment. */
function isNormalPath(target: string, start: number, end: number): boolean {
  if (start >= end || target.charCodeAt(start) !== SLASH) return false;
  for (let i = start; i < end; i++) {
    const c = target.charCodeAt(i);
    if (c === SLASH) {
      const next = i + 1 < end ? target.charCodeAt(i + 1) : -1;
      // "//" or a segment starting with "." (".", "..", and harmless ".well-known" alike) take the slow path.
      if (next === SLASH || next === DOT) return false;
    } else if (c >= 128 || RAW_OK[c] === 0) {
      return false;
    }
  }
  return true;
}

/** `path` is "" or starts with "/" (anything else is read as if it did). */
function normalizePath(path: string): string | undefined {
  const encoded = normalizeEncoding(path);
  if (encoded === undefined) return undefined;
  const segments = encoded.split('/');
  const last = segments[segments.length - 1];
  const trailingSlash = segments.length > 1 && (last === '' || last === '.' || last === '..');
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') kept.pop();
    else kept.push(segment);
  }
  if (kept.length === 0) return '/';
  return `/${kept.join('/')}${trailingSlash ? '/' : ''}`;
}

/** Decodes unreserved characters, upper-cases the other escapes and encodes what may not appear raw. */
function normalizeEncoding(path: string): string | undefined {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === PERCENT) {
      const value = hexByte(path, i + 1);
      if (value === undefined) return undefined;
      out += UNRESERVED[value] === 1 ? String.fromCharCode(value) : `%${hex(value)}`;
      i += 2;
    } else if (c === SLASH || (c < 128 && RAW_OK[c] === 1)) {
      out += path[i];
    } else if (c < 128) {
      out += `%${hex(c)}`;
    } else {
      // Non-ASCII (only from an operator's purge request: Node's parser refuses it in a request line) as UTF-8.
      const codePoint = path.codePointAt(i)!;
      const char = String.fromCodePoint(codePoint);
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) return undefined; // a lone surrogate has no UTF-8 form
      for (const byte of Buffer.from(char, 'utf8')) out += `%${hex(byte)}`;
      i += char.length - 1;
    }
  }
  return out;
}

/** The byte written as two hex digits at `at`; past the end, charCodeAt gives NaN, which is no digit. */
function hexByte(text: string, at: number): number | undefined {
  const high = hexDigit(text.charCodeAt(at));
  const low = hexDigit(text.charCodeAt(at + 1));
  return high === -1 || low === -1 ? undefined : high * 16 + low;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function hex(byte: number): string {
  return byte < 16 ? `0${byte.toString(16).toUpperCase()}` : byte.toString(16).toUpperCase();
}
