import type { IncomingHttpHeaders } from 'node:http';
import { isStrongTag } from './entity-tags';
import { headerValue } from './header-values';

export type RangeDecision =
  /** No Range, a Range we ignore (multiple ranges, other units, syntax errors: RFC 9110 §14.2), or If-Range does not match. */
  | { kind: 'full' }
  /** Inclusive; answer 206 with Content-Range: bytes start-end/size. */
  | { kind: 'partial'; start: number; end: number }
  /** 416 with Content-Range: bytes star/size. */
  | { kind: 'unsatisfiable' };

const FULL: RangeDecision = { kind: 'full' };
const UNSATISFIABLE: RangeDecision = { kind: 'unsatisfiable' };

/**
 * Evaluates a single byte range ("bytes=0-99", "bytes=100-", "bytes=-500") against a stored body of
 * `size` bytes, honouring If-Range with a strong ETag or an exact Last-Modified date (RFC 9110 §13.1.5).
 */
export function evaluateRange(
  headers: IncomingHttpHeaders,
  size: number,
  validators: { etag: string | undefined; lastModified: string | undefined },
): RangeDecision {
  const range = headers.range;
  if (typeof range !== 'string') return FULL;
  const ifRange = headerValue(headers, 'if-range');
  if (ifRange !== undefined && !ifRangeMatches(ifRange.trim(), validators)) return FULL;
  return evaluateByteRange(range, size);
}

function ifRangeMatches(ifRange: string, validators: { etag: string | undefined; lastModified: string | undefined }): boolean {
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) {
    // Strong comparison: both tags strong and identical.
    return validators.etag !== undefined && isStrongTag(ifRange) && ifRange === validators.etag;
  }
  return validators.lastModified !== undefined && ifRange === validators.lastModified.trim();
}

/** Parses one `bytes=` range set; anything beyond a single well-formed range is ignored (full answer). */
export function evaluateByteRange(range: string, size: number): RangeDecision {
  const text = range.trim();
  const equals = text.indexOf('=');
  if (equals === -1 || text.slice(0, equals).trim().toLowerCase() !== 'bytes') return FULL;
  const spec = text.slice(equals + 1).trim();
  if (spec.includes(',')) return FULL;
  const dash = spec.indexOf('-');
  if (dash === -1) return FULL;
  const firstText = spec.slice(0, dash).trim();
  const lastText = spec.slice(dash + 1).trim();

  if (firstText.length === 0) {
    // suffix-range: the last N bytes.
    const suffix = digits(lastText);
    if (suffix === undefined) return FULL;
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const first = digits(firstText);
  if (first === undefined) return FULL;
  let last = size - 1;
  if (lastText.length > 0) {
    const parsed = digits(lastText);
    if (parsed === undefined || parsed < first) return FULL;
    last = Math.min(parsed, size - 1);
  }
  if (first >= size) return UNSATISFIABLE;
  return { kind: 'partial', start: first, end: last };
}

/** `1*DIGIT` as a number (huge values stay huge, which is all a comparison with a size needs). */
function digits(text: string): number | undefined {
  if (text.length === 0) return undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return undefined;
  }
  return Number(text);
}
