import type { IncomingHttpHeaders } from 'node:http';

/** A header's value as one string (repeated lines joined by ", " as RFC 9110 §5.3 allows for lists). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** The value of `name` (lower case) in flat `[name, value, ...]` headers. */
export function flatHeader(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === name) return headers[i + 1];
  }
  return undefined;
}

/** Flat `[name, value, ...]` headers as an object (the shape node:http hands over). */
export function flatToHeaders(flat: readonly string[]): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
  return headers;
}

/**
 * Calls `visit` with each trimmed, non-empty member of a list separated by `separator` (a comma or a
 * space), across repeated header lines.
 */
export function forEachListMember(value: string | string[] | undefined, separator: string, visit: (member: string) => void): void {
  if (value === undefined) return;
  const lines = typeof value === 'string' ? [value] : value;
  for (const line of lines) {
    let start = 0;
    while (start <= line.length) {
      let end = line.indexOf(separator, start);
      if (end === -1) end = line.length;
      const member = line.slice(start, end).trim();
      if (member.length > 0) visit(member);
      start = end + 1;
    }
  }
}
