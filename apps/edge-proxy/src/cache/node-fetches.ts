import { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ErrorCode, Logger } from '@cdn/shared';
import { sendError } from '../http/send-json';
import type { EdgeMetrics } from '../observability/edge-metrics';
import type { Dispatcher } from '../proxy/dispatcher';
import { Exchange, EXCHANGE, newExchange, ResponseWithExchange } from '../proxy/exchange';
import { discard, relay, relayHeaders } from '../proxy/relay';
import { BodyCollector } from './body-collector';
import { Fill } from './coalescing/fill';
import type { HitForMiss } from './coalescing/hit-for-miss';
import type { StoreEntry } from './entry-store';
import { decideStorage, freshenWithNotModified, isConditionalRequest, revalidationHeaders, StoreDecision, StoreOptions, usableOnError } from './http-semantics';
import type { Lookup } from './lookup';
import { entryFromResponse } from './response-entry';
import { answerFromCache } from './serve-entry';
import type { CacheEntry } from './store/cache-entry';
import type { TieredCache } from './store/tiered-cache';
import { variantKey } from './store/variant-key';

export interface NodeFetchesOptions {
  cache: TieredCache;
  store: StoreEntry;
  storeOptions: StoreOptions;
  dispatcher: Dispatcher;
  hitForMiss: HitForMiss;
  metrics: EdgeMetrics;
  logger: Logger;
  now: () => number;
  /** Whether answers completing now may still be stored (the cache may have been switched off meanwhile). */
  cacheOn: () => boolean;
  /** Looks the request up again, going to the node alone (a follower let go of a fill). */
  lookupAlone: (l: Lookup) => void;
}

export interface NodeFetches {
  /** Joins the client to a shared fetch under way, or starts one (request coalescing). */
  shared(l: Lookup, stale: CacheEntry | undefined): void;
  /** A fetch for one client only: its own conditional or Range request, or a key known to be uncacheable. */
  alone(l: Lookup, stale: CacheEntry | undefined): void;
}

/**
 * Cache misses and revalidations go to a node here; its answer is judged by RFC 9111 (304 refreshes,
 * stale-if-error, storable or not) and streamed to the client(s) while it is kept for the cache.
 */
export function createNodeFetches(options: NodeFetchesOptions): NodeFetches {
  const { cache, store, storeOptions, dispatcher, hitForMiss, metrics, logger, now } = options;
  const fills = new Map<string, Fill>();

  function shared(l: Lookup, stale: CacheEntry | undefined): void {
    const existing = fills.get(l.key);
    if (existing?.joinable) {
      metrics.coalesced.inc();
      return follow(existing, l);
    }
    fetchShared(l, stale);
  }

  function follow(fill: Fill, l: Lookup): void {
    l.exchange.cache = 'MISS';
    fill.join({ req: l.req, res: l.res, exchange: l.exchange, release: () => options.lookupAlone(l) });
  }

  /**
   * The one fetch of a key that concurrent clients share. It is not any client's request: http-proxy-3 is
   * given a response that stands in for them all, so that the client that happened to arrive first can leave
   * without cutting off the others. That client joins the fill like every later one.
   */
  function fetchShared(l: Lookup, stale: CacheEntry | undefined): void {
    const fill = new Fill(cache.memory.maxEntryBytes);
    fills.set(l.key, fill);
    const settle = () => {
      if (fills.get(l.key) === fill) fills.delete(l.key);
    };
    follow(fill, l);
    const fetch = newExchange('GET', l.exchange.path, performance.now());
    fetch.detached = true;
    const standIn = new ServerResponse(l.req) as ResponseWithExchange;
    standIn[EXCHANGE] = fetch;
    // A stale entry is revalidated: a 304 refreshes it without downloading the body again.
    if (stale) fetch.upstreamHeaders = revalidationHeaders(stale);
    fetch.respond = (proxyRes) => onSharedAnswer(l, proxyRes, fill, fetch, stale, settle);
    fetch.onUpstreamFailure = (error) => {
      settle();
      failFollowers(fill, stale, error);
      return true;
    };
    if (dispatcher.dispatch(l.req, standIn, fetch, l.state, l.primary)) return;
    settle();
    failFollowers(fill, stale, 'no_active_node');
  }

  /** The shared fetch failed for good: each client gets the stale copy when allowed, else the error. */
  function failFollowers(fill: Fill, stale: CacheEntry | undefined, error: ErrorCode): void {
    const staleUsable = stale !== undefined && usableOnError(stale, now());
    for (const follower of fill.takeFollowers()) {
      if (follower.res.headersSent) follower.res.destroy();
      else if (staleUsable) answerStaleOnError(follower, stale);
      else sendError(follower.res, error);
    }
  }

  /** A fetch for one client only: its own conditional or Range request, or a key known to be uncacheable. */
  function fetchAlone(l: Lookup, stale: CacheEntry | undefined): void {
    const { req, res, exchange, state } = l;
    // A client's own conditional request is forwarded as it is, and the node's 304 is its answer.
    const revalidating = stale !== undefined && !isConditionalRequest(req.headers);
    if (revalidating) exchange.upstreamHeaders = revalidationHeaders(stale);
    exchange.cache = 'MISS';
    exchange.respond = (proxyRes) => onOwnAnswer(l, proxyRes, revalidating ? stale : undefined);
    exchange.onUpstreamFailure = () => {
      if (!stale || !usableOnError(stale, now())) return false;
      answerStaleOnError(l, stale);
      return true;
    };
    if (dispatcher.dispatch(req, res, exchange, state, l.primary)) return;
    if (stale && usableOnError(stale, now())) return answerStaleOnError(l, stale);
    sendError(res, 'no_active_node');
  }

  function answerStaleOnError(l: Pick<Lookup, 'req' | 'res' | 'exchange'>, stale: CacheEntry): void {
    metrics.staleServed.inc({ reason: 'if-error' });
    logger.warn(`Serving a stale copy of ${l.exchange.path} because its node failed (stale-if-error)`);
    answerFromCache(l, stale, 'STALE', now());
  }

  /** What the node answered, and what becomes of it; `stale` is set when the edge is revalidating it. */
  function judge(l: Lookup, proxyRes: IncomingMessage, times: { requestTime: number; responseTime: number }, stale: CacheEntry | undefined) {
    const status = proxyRes.statusCode ?? 502;
    const request = { method: l.exchange.method, headers: l.req.headers };
    if (stale && status === 304) {
      discard(proxyRes);
      const fresh = freshenWithNotModified(stale, proxyRes, request, times, storeOptions);
      if (fresh) store(variantKey(l.primary, fresh.vary, l.req.headers), l.primary, fresh);
      metrics.revalidations.inc({ result: 'not-modified' });
      return { kind: 'cached' as const, entry: fresh ?? stale, outcome: 'REVALIDATED' as const };
    }
    if (stale && status >= 500 && usableOnError(stale, now())) {
      discard(proxyRes);
      metrics.staleServed.inc({ reason: 'if-error' });
      logger.warn(`Serving a stale copy of ${l.exchange.path} because its node answered ${status} (stale-if-error)`);
      return { kind: 'cached' as const, entry: stale, outcome: 'STALE' as const };
    }
    if (stale) metrics.revalidations.inc({ result: 'modified' });
    const decision = decideStorage(request, { status, headers: proxyRes.headers }, times, storeOptions);
    if (!decision.store) metrics.notStored.inc({ reason: decision.reason });
    return { kind: 'answer' as const, decision };
  }

  function onOwnAnswer(l: Lookup, proxyRes: IncomingMessage, stale: CacheEntry | undefined): void {
    const { req, res, exchange } = l;
    const times = { requestTime: exchange.requestTime, responseTime: exchange.responseTime };
    const verdict = judge(l, proxyRes, times, stale);
    if (verdict.kind === 'cached') return answerFromCache(l, verdict.entry, verdict.outcome, now());
    const headers = relayHeaders(proxyRes, 'MISS', exchange.nodeId!);
    if (!verdict.decision.store) return relay(proxyRes, res, headers);
    hitForMiss.forget(l.key);
    const collector = new BodyCollector(cache.memory.maxEntryBytes);
    res.writeHead(proxyRes.statusCode!, headers);
    proxyRes.on('data', (chunk: Buffer) => collector.push(chunk));
    proxyRes.pipe(res);
    proxyRes.once('end', () => {
      const body = collector.body();
      if (body === undefined || !proxyRes.complete || !options.cacheOn()) return;
      const decision = verdict.decision as Extract<StoreDecision, { store: true }>;
      store(variantKey(l.primary, decision.meta.vary, req.headers), l.primary, entryFromResponse(proxyRes, body, decision, exchange.nodeId!, times));
    });
  }

  function onSharedAnswer(l: Lookup, proxyRes: IncomingMessage, fill: Fill, fetch: Exchange, stale: CacheEntry | undefined, settle: () => void): void {
    const nodeId = fetch.nodeId!;
    const times = { requestTime: fetch.requestTime, responseTime: fetch.responseTime };
    const verdict = judge(l, proxyRes, times, stale);
    if (verdict.kind === 'cached') {
      settle();
      for (const follower of fill.takeFollowers()) answerFromCache(follower, verdict.entry, verdict.outcome, now());
      return;
    }
    const headers = relayHeaders(proxyRes, 'MISS', nodeId);
    if (!verdict.decision.store) {
      settle();
      // Remember it, so that the next requests for this key go straight through instead of queueing (hit-for-miss).
      hitForMiss.remember(l.key);
      // An answer that may not be stored may be one client's own: only the client it was fetched for gets it.
      const followers = fill.takeFollowers();
      for (const follower of followers) if (follower.res !== l.res) follower.release();
      if (!followers.some((f) => f.res === l.res) || l.res.destroyed) return discard(proxyRes);
      l.exchange.nodeId = nodeId;
      l.res.once('close', () => proxyRes.destroy());
      return relay(proxyRes, l.res, headers);
    }
    const decision = verdict.decision;
    hitForMiss.forget(l.key);
    const storeKey = variantKey(l.primary, decision.meta.vary, l.req.headers);
    if (decision.meta.vary.length > 0) fill.releaseWhere((f) => variantKey(l.primary, decision.meta.vary, f.req.headers) !== storeKey);
    fill.start(proxyRes.statusCode!, headers, nodeId);
    // When every client has left, the download goes on only to fill the cache, so only for a body known to fit it.
    const length = Number(proxyRes.headers['content-length']);
    const worthFinishing = Number.isFinite(length) && length <= cache.memory.maxEntryBytes && options.cacheOn();
    const stopIfAlone = () => {
      if (!worthFinishing) proxyRes.destroy();
    };
    if (fill.followerCount === 0) stopIfAlone();
    fill.whenEmpty(stopIfAlone);
    proxyRes.on('data', (chunk: Buffer) => {
      if (fill.push(chunk)) return;
      proxyRes.pause();
      fill.whenDrained(() => proxyRes.resume());
    });
    proxyRes.once('end', () => {
      settle();
      const body = fill.body();
      fill.end();
      if (body === undefined || !proxyRes.complete || !options.cacheOn()) return;
      store(storeKey, l.primary, entryFromResponse(proxyRes, body, decision, nodeId, times));
    });
    proxyRes.once('close', () => {
      if (proxyRes.complete) return;
      settle();
      fill.abort();
    });
  }


  return { shared, alone: fetchAlone };
}
