/** The opaque part of an entity-tag with its quotes: `W/"x"` and `"x"` give `"x"` (weak comparison, RFC 9110 §8.8.3.2). */
export function opaqueTag(etag: string): string {
  return etag.startsWith('W/') ? etag.slice(2) : etag;
}

/** Whether an entity-tag is strong (no `W/` prefix and quoted). */
export function isStrongTag(etag: string): boolean {
  return etag.length >= 2 && etag.charCodeAt(0) === 0x22 && etag.charCodeAt(etag.length - 1) === 0x22;
}

/**
 * Whether an If-None-Match style list (`"a", W/"b"`, across repeated lines) holds a tag that weakly
 * matches `etag`. Quoted tags may contain commas, so the list is walked by hand.
 */
export function listMatchesWeakly(list: string | string[], etag: string): boolean {
  const wanted = opaqueTag(etag);
  if (typeof list === 'string') return lineMatches(list, wanted);
  for (const line of list) if (lineMatches(line, wanted)) return true;
  return false;
}

function lineMatches(line: string, wanted: string): boolean {
  const length = line.length;
  let i = 0;
  while (i < length) {
    let code = line.charCodeAt(i);
    while (i < length && (code === 0x2c || code === 0x20 || code === 0x09)) code = line.charCodeAt(++i);
    if (i >= length) return false;
    if (code === 0x57 && line.charCodeAt(i + 1) === 0x2f) i += 2; // "W/"
    const start = i;
    if (line.charCodeAt(i) === 0x22) {
      const close = line.indexOf('"', i + 1);
      if (close === -1) return false;
      i = close + 1;
    } else {
      // Not a valid entity-tag: skip to the next member.
      while (i < length && line.charCodeAt(i) !== 0x2c) i++;
      continue;
    }
    if (i - start === wanted.length && line.startsWith(wanted, start)) return true;
  }
  return false;
}

/** Whether an If-None-Match value is `*` (any current representation). */
export function isWildcard(list: string | string[]): boolean {
  return typeof list === 'string' ? list.trim() === '*' : list.length === 1 && list[0].trim() === '*';
}
