import type { IncomingMessage } from 'node:http';
import type { Logger } from '@cdn/shared';
import type { EdgeMetrics } from '../observability/edge-metrics';
import { answerIntact } from '../proxy/answer-integrity';
import type { AttemptTimes } from '../proxy/attempt';
import { sendUpstreamError } from '../proxy/dispatch-hooks';
import type { Dispatcher } from '../proxy/dispatcher';
import { discard, relayHeaders } from '../proxy/relay';
import type { StoreEntry } from './entry-store';
import { combinePartials, completes, decideStorage, type PartialEntry, StoreOptions } from './http-semantics';
import type { Lookup } from './lookup';
import { entryFromResponse } from './response-entry';
import type { TieredCache } from './store/tiered-cache';
import { variantKey } from './store/variant-key';

export interface PartialCompletionOptions {
  cache: TieredCache;
  store: StoreEntry;
  storeOptions: StoreOptions;
  dispatcher: Dispatcher;
  metrics: EdgeMetrics;
  logger: Logger;
  /** Whether answers completing now may still be stored (the cache may have been switched off meanwhile). */
  cacheOn: () => boolean;
  /** The client's request fetched as if nothing were stored (the node's answer did not complete the entry). */
  fetchInFull: (l: Lookup) => void;
  /** A node's answer that is the client's own answer (a 200 for a representation that changed): judged, stored, relayed. */
  ownAnswer: (l: Lookup, proxyRes: IncomingMessage, times: AttemptTimes) => void;
}

/** Answers a client's GET for the whole representation from a stored prefix and the rest fetched from a node. */
export type PartialCompletion = (l: Lookup, entry: PartialEntry, request: Record<string, string>) => void;

/**
 * RFC 9111 §3.4: a stored prefix is completed with `Range: bytes=<next>-` and `If-Range: <its strong ETag>`.
 * A 206 that is exactly the rest of the same representation is streamed after the prefix as one 200, and
 * the two are stored as one complete entry. A 200 (the representation changed, or the node ignores Range)
 * is the client's answer as it is. Any other 206, or a 416, answers a question the client did not ask:
 * it is dropped, and the client's request goes to the node again in full. Nothing is ever spliced.
 */
export function createPartialCompletion(options: PartialCompletionOptions): PartialCompletion {
  const { cache, store, storeOptions, dispatcher, metrics, logger } = options;

  function onAnswer(l: Lookup, entry: PartialEntry, proxyRes: IncomingMessage, times: AttemptTimes): void {
    const status = proxyRes.statusCode ?? 502;
    if (completes(entry, status, proxyRes.headers)) return combine(l, entry, proxyRes, times);
    if (status === 200 || status === 206 || status === 416) {
      metrics.partialContent.inc({ result: 'discarded' });
      const range = proxyRes.headers['content-range'] === undefined ? '' : ` (Content-Range: ${proxyRes.headers['content-range']})`;
      logger.debug(`Did not complete the stored bytes 0-${entry.body.length - 1} of ${l.exchange.path}: node ${times.nodeId} answered ${status}${range} with ETag ${proxyRes.headers.etag ?? 'none'}, the stored one is ${entry.etag}`);
    }
    if (status !== 206 && status !== 416) return options.ownAnswer(l, proxyRes, times);
    // Read to the end, not cut off: the forwarder ends the client's answer with a node's answer cut short.
    discard(proxyRes);
    options.fetchInFull(l);
  }

  function combine(l: Lookup, entry: PartialEntry, proxyRes: IncomingMessage, times: AttemptTimes): void {
    const { res } = l;
    const { completeLength } = entry.partial;
    const expected = completeLength - entry.body.length;
    // Judged as the 206 it is; the entry it completes takes its headers (RFC 9111 §3.4).
    const decision = decideStorage({ method: 'GET', headers: l.req.headers }, { status: 206, headers: proxyRes.headers }, times, storeOptions);
    const rest: Buffer[] | undefined = decision.store && completeLength <= cache.memory.maxEntryBytes ? [] : undefined;
    let received = 0;
    l.exchange.nodeId = times.nodeId;
    res.writeHead(200, completeHeaders(relayHeaders(proxyRes, 'MISS', times.nodeId, l.exchange.requestId, storeOptions.targets?.own), completeLength));
    res.write(entry.body);
    proxyRes.on('data', (chunk: Buffer) => {
      received += chunk.length;
      // More than the range it named (a chunked answer can say anything): the client's body would be wrong.
      if (received > expected) {
        proxyRes.destroy();
        res.destroy();
        return;
      }
      rest?.push(chunk);
      if (res.write(chunk)) return;
      proxyRes.pause();
      res.once('drain', () => proxyRes.resume());
    });
    proxyRes.once('end', () => {
      if (received !== expected || !proxyRes.complete) return void res.destroy();
      res.end();
      metrics.partialContent.inc({ result: 'completed' });
      logger.debug(`Completed the stored bytes 0-${entry.body.length - 1} of ${l.exchange.path} with ${expected} bytes from node ${times.nodeId}`);
      if (rest === undefined || !decision.store || !answerIntact(proxyRes) || !options.cacheOn()) return;
      const tail = entryFromResponse(proxyRes, Buffer.concat(rest, expected), decision, times.nodeId, times, storeOptions);
      const whole = tail?.partial === undefined ? undefined : combinePartials(entry, tail as PartialEntry);
      if (whole !== undefined) store(variantKey(l.primary, whole.vary, l.req.headers), l.primary, whole);
    });
  }

  return (l, entry, request) => {
    l.exchange.cache = 'MISS';
    const hooks = {
      onAnswer: (proxyRes: IncomingMessage, times: AttemptTimes) => onAnswer(l, entry, proxyRes, times),
      // The stored prefix cannot stand in for the whole answer, so it is no stale-if-error copy.
      onFailure: (error: Parameters<typeof sendUpstreamError>[1], nodeId: string | undefined) => sendUpstreamError(l.res, error, nodeId),
    };
    dispatcher.dispatch(l.req, l.res, l.exchange, l.state, l.primary, hooks, request);
  }
}

/** The node's 206 headers as those of the complete 200: its own Content-Range and Content-Length replaced by the whole length. */
function completeHeaders(relayed: string[], completeLength: number): string[] {
  const headers: string[] = [];
  for (let i = 0; i < relayed.length; i += 2) {
    const name = relayed[i].toLowerCase();
    if (name !== 'content-range' && name !== 'content-length') headers.push(relayed[i], relayed[i + 1]);
  }
  headers.push('Content-Length', String(completeLength));
  return headers;
}
