import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../http/send-json';
import type { CacheOutcome } from '../observability/access-log';
import type { Exchange } from '../proxy/exchange';
import { ageHeader, evaluateClientConditional, evaluateRange, notModifiedHeaders, type PartialEntry, rangeFromPartial, withoutContentRange } from './http-semantics';
import type { CacheEntry } from './store/cache-entry';

/**
 * Answers a client from a stored entry: 304 to a matching conditional request, 206/416 to a Range
 * request on the full object or inside a stored partial one, headers only to HEAD, else the whole
 * answer. The entry is not copied: headers and body are written as they are stored. `own` are headers for
 * this client alone (the Set-Cookie of a node's 304 to the revalidation its request caused).
 */
export function serveEntry(req: IncomingMessage, res: ServerResponse, exchange: Exchange, entry: CacheEntry, outcome: CacheOutcome, now: number, own?: readonly string[]): void {
  const method = req.method ?? 'GET';
  const edgeHeaders = ['Age', ageHeader(entry, now), 'X-Cache', outcome, 'X-CDN-Node', entry.nodeId, 'X-Request-Id', exchange.requestId];
  if (own !== undefined && own.length > 0) edgeHeaders.push(...own);

  if ((entry.status === 200 || entry.partial !== undefined) && evaluateClientConditional(method, req.headers, entry) === 'not-modified') {
    res.writeHead(304, [...notModifiedHeaders(entry), ...edgeHeaders]);
    res.end();
    return;
  }
  if (entry.partial !== undefined) return servePartial(req, res, entry as PartialEntry, edgeHeaders);

  const size = entry.body.length;
  const range = entry.status === 200 && req.headers.range !== undefined ? evaluateRange(req.headers, size, entry) : { kind: 'full' as const };
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, ['Content-Range', `bytes */${size}`, 'Content-Length', '0', ...edgeHeaders]);
    res.end();
    return;
  }
  if (range.kind === 'partial') {
    const length = range.end - range.start + 1;
    res.writeHead(206, [...entry.headers, 'Content-Range', `bytes ${range.start}-${range.end}/${size}`, 'Content-Length', String(length), ...edgeHeaders] as string[]);
    res.end(method === 'HEAD' ? undefined : entry.body.subarray(range.start, range.end + 1));
    return;
  }
  res.writeHead(entry.status, [...entry.headers, 'Content-Length', String(size), ...edgeHeaders] as string[]);
  res.end(method === 'HEAD' ? undefined : entry.body);
}

/** A range inside a stored 206; its stored Content-Range (kept to re-judge the entry on a 304) is replaced by the range served. */
function servePartial(req: IncomingMessage, res: ServerResponse, entry: PartialEntry, edgeHeaders: string[]): void {
  const range = rangeFromPartial(req.headers, entry);
  const { start, completeLength } = entry.partial;
  // The flow serves a partial entry only to a request inside it (cache-flow.ts); should that ever slip, the client gets an error, never a range passed off as the whole.
  if (range === undefined) return sendError(res, 'not_cached');
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, ['Content-Range', `bytes */${completeLength}`, 'Content-Length', '0', ...edgeHeaders]);
    res.end();
    return;
  }
  const headers = withoutContentRange(entry.headers);
  headers.push('Content-Range', `bytes ${range.start}-${range.end}/${completeLength}`, 'Content-Length', String(range.end - range.start + 1), ...edgeHeaders);
  res.writeHead(206, headers);
  res.end(req.method === 'HEAD' ? undefined : entry.body.subarray(range.start - start, range.end - start + 1));
}

/** Answers one client from the cache and records the outcome for its access line and metrics. */
export function answerFromCache(
  client: { req: IncomingMessage; res: ServerResponse; exchange: Exchange },
  entry: CacheEntry,
  outcome: 'HIT' | 'STALE' | 'REVALIDATED',
  now: number,
  own?: readonly string[],
): void {
  client.exchange.cache = outcome;
  client.exchange.nodeId = entry.nodeId;
  serveEntry(client.req, client.res, client.exchange, entry, outcome, now, own);
}
