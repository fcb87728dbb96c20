import type { IncomingHttpHeaders } from 'node:http';
import type { CacheEntry, PartialRange } from '../store/cache-entry';
import { singlePartRange } from './content-range';
import { isStrongTag } from './entity-tags';
import { headerValue } from './header-values';
import { evaluateRange, type RangeDecision } from './range';

/** A stored 206 (CacheEntry.partial set). */
export type PartialEntry = CacheEntry & { partial: PartialRange };

/**
 * What a stored partial entry can answer: the 206 (or 416) for a single byte range that lies inside the
 * bytes it holds, If-Range permitting (RFC 9110 §14.2, §13.1.5). Undefined for every other request, which
 * the entry must not answer: its bytes are not the whole representation (RFC 9111 §3.3).
 */
export function rangeFromPartial(headers: IncomingHttpHeaders, entry: PartialEntry): Exclude<RangeDecision, { kind: 'full' }> | undefined {
  if (headers.range === undefined) return undefined;
  const decision = evaluateRange(headers, entry.partial.completeLength, entry);
  if (decision.kind === 'full') return undefined;
  if (decision.kind === 'unsatisfiable') return decision;
  const start = entry.partial.start;
  return decision.start >= start && decision.end < start + entry.body.length ? decision : undefined;
}

/**
 * The `Range` and `If-Range` that ask a node for the rest of a partial entry holding a prefix, or
 * undefined when it cannot be completed: it does not start at byte 0, or it has no strong ETag, which
 * RFC 9111 §3.4 requires before two answers may be combined.
 */
export function completionRequest(entry: PartialEntry): { range: string; 'if-range': string } | undefined {
  if (entry.partial.start !== 0 || entry.etag === undefined || !isStrongTag(entry.etag)) return undefined;
  return { range: `bytes=${entry.body.length}-`, 'if-range': entry.etag };
}

/**
 * Whether a node's 206 to completionRequest(entry) is exactly the rest of the same representation
 * (RFC 9111 §3.4): the same strong ETag, the same complete length, the bytes from where the entry ends to
 * the last one, and, when it says its length, that many bytes.
 */
export function completes(entry: PartialEntry, status: number, headers: IncomingHttpHeaders): boolean {
  if (status !== 206 || headerValue(headers, 'etag') !== entry.etag) return false;
  const range = singlePartRange(headers);
  const { completeLength } = entry.partial;
  if (range === undefined || range.completeLength !== completeLength || range.first !== entry.body.length || range.last !== completeLength - 1) return false;
  const length = headers['content-length'];
  return length === undefined || Number(length) === completeLength - range.first;
}

/**
 * Two stored 206s of the same representation (same strong ETag and complete length) whose ranges touch or
 * overlap, as one entry (RFC 9111 §3.4): the newer answer's headers and metadata, the union of the bytes;
 * a 200 once they cover the whole representation. Undefined when they cannot be combined.
 */
export function combinePartials(older: PartialEntry, newer: PartialEntry): CacheEntry | undefined {
  const { etag } = newer;
  if (etag === undefined || !isStrongTag(etag) || older.etag !== etag) return undefined;
  if (older.partial.completeLength !== newer.partial.completeLength) return undefined;
  const [first, second] = older.partial.start <= newer.partial.start ? [older, newer] : [newer, older];
  const firstEnd = first.partial.start + first.body.length;
  const secondEnd = second.partial.start + second.body.length;
  if (second.partial.start > firstEnd) return undefined;
  const body = secondEnd <= firstEnd ? first.body : Buffer.concat([first.body, second.body.subarray(firstEnd - second.partial.start)]);
  const start = first.partial.start;
  const completeLength = newer.partial.completeLength;
  if (start === 0 && body.length === completeLength) {
    return { ...newer, status: 200, headers: withoutContentRange(newer.headers), body, partial: undefined };
  }
  return { ...newer, body, partial: { start, completeLength } };
}

/** Stored headers without Content-Range: a complete answer built from partial ones must not carry one. */
export function withoutContentRange(headers: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i] !== 'content-range') kept.push(headers[i], headers[i + 1]);
  return kept;
}
