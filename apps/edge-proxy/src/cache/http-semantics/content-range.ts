import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from './header-values';

/** What a single-part 206 holds: bytes `first`..`last` (inclusive) of a representation `completeLength` bytes long. */
export interface ContentRange {
  first: number;
  last: number;
  completeLength: number;
}

/**
 * A 206's `Content-Range: bytes first-last/complete-length` (RFC 9110 §14.4), when it describes one range
 * of a known length; undefined for a multipart/byteranges answer (no Content-Range), an unknown length
 * (`/*`), another unit, a repeated or malformed field, or positions no Buffer can index.
 */
export function singlePartRange(headers: IncomingHttpHeaders): ContentRange | undefined {
  const value = headerValue(headers, 'content-range');
  if (value === undefined || value.includes(',')) return undefined;
  const match = /^bytes[ \t]+(\d{1,15})-(\d{1,15})\/(\d{1,15})$/i.exec(value.trim());
  if (match === null) return undefined;
  const first = Number(match[1]);
  const last = Number(match[2]);
  const completeLength = Number(match[3]);
  if (first > last || last >= completeLength) return undefined;
  return { first, last, completeLength };
}
