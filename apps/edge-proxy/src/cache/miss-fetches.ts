import type { IncomingMessage } from 'node:http';
import type { ErrorCode, Logger } from '@cdn/shared';
import { sendError } from '../http/send-json';
import type { EdgeMetrics } from '../observability/edge-metrics';
import { answerIntact } from '../proxy/answer-integrity';
import type { AttemptTimes } from '../proxy/attempt';
import { sendUpstreamError } from '../proxy/dispatch-hooks';
import type { Dispatcher } from '../proxy/dispatcher';
import { discard, relay, relayHeaders } from '../proxy/relay';
import { judgeAnswer, Judgement } from './answer-judgement';
import { BodyCollector } from './body-collector';
import { Fill } from './coalescing/fill';
import type { HitForMiss } from './coalescing/hit-for-miss';
import type { StoreEntry } from './entry-store';
import { isConditionalRequest, revalidationHeaders, StoreOptions, usableOnError } from './http-semantics';
import type { Lookup } from './lookup';
import { ownSetCookie, withoutSetCookie } from './own-headers';
import { entryFromResponse } from './response-entry';
import { answerFromCache } from './serve-entry';
import type { CacheEntry } from './store/cache-entry';
import type { TieredCache } from './store/tiered-cache';
import { variantKey } from './store/variant-key';

/** How a client answered from the cache instead of the node's answer is logged. */
const CACHED_OUTCOME = { refreshed: 'REVALIDATED', 'stale-if-error': 'STALE' } as const;

export interface MissFetchesOptions {
  cache: TieredCache;
  store: StoreEntry;
  storeOptions: StoreOptions;
  dispatcher: Dispatcher;
  /** Keys whose answers turned out uncacheable (shared with the pass-through, which clears them on invalidation). */
  hitForMiss: HitForMiss;
  metrics: EdgeMetrics;
  logger: Logger;
  now: () => number;
  /** Whether answers completing now may still be stored (the cache may have been switched off meanwhile). */
  cacheOn: () => boolean;
  /** Looks the request up again, going to the node alone (a follower let go of a fill). */
  lookupAlone: (l: Lookup) => void;
}

export interface MissFetches {
  /** Joins the client to a shared fetch under way, or starts one (request coalescing). */
  shared(l: Lookup, stale: CacheEntry | undefined): void;
  /** A fetch for one client only: its own conditional or Range request, or a key known to be uncacheable. */
  alone(l: Lookup, stale: CacheEntry | undefined): void;
  /** A node's answer to a request sent for one client: judged, stored when it may be, and relayed. */
  ownAnswer(l: Lookup, proxyRes: IncomingMessage, times: AttemptTimes): void;
}

/**
 * Clients' cache misses and revalidations go to a node here; its answer is judged (answer-judgement) and
 * streamed to the client(s) while it is kept for the cache.
 */
export function createMissFetches(options: MissFetchesOptions): MissFetches {
  const { cache, store, storeOptions, dispatcher, hitForMiss, metrics, logger, now } = options;
  const fills = new Map<string, Fill>();
  const edgeOnly = storeOptions.targets?.own;

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
   * The one fetch of a key that concurrent clients share. It is no client's own: it is dispatched without a
   * client, so that the client whose request it sends can leave without cutting off the others. That client
   * joins the fill like every later one.
   */
  function fetchShared(l: Lookup, stale: CacheEntry | undefined): void {
    const fill = new Fill(cache.memory.maxEntryBytes);
    fills.set(l.key, fill);
    const settle = () => {
      if (fills.get(l.key) === fill) fills.delete(l.key);
    };
    follow(fill, l);
    // A stale entry is revalidated: a 304 refreshes it without downloading the body again.
    const request = { req: l.req, path: l.exchange.path, headers: stale ? revalidationHeaders(stale) : undefined, requestId: l.exchange.requestId };
    dispatcher.dispatchWithoutClient(request, l.state, l.primary, {
      onAnswer: (proxyRes, times) => onSharedAnswer(l, proxyRes, times, fill, stale, settle),
      onInterim: (head) => fill.interim(head),
      onFailure: (error) => {
        settle();
        failFollowers(fill, stale, error);
      },
    });
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
    exchange.cache = 'MISS';
    const hooks = {
      onAnswer: (proxyRes: IncomingMessage, times: AttemptTimes) => onOwnAnswer(l, proxyRes, times, revalidating ? stale : undefined),
      onFailure: (error: ErrorCode, nodeId: string | undefined) => {
        if (stale && usableOnError(stale, now())) answerStaleOnError(l, stale);
        else sendUpstreamError(res, error, nodeId);
      },
    };
    dispatcher.dispatch(req, res, exchange, state, l.primary, hooks, revalidating ? revalidationHeaders(stale) : undefined);
  }

  function answerStaleOnError(l: Pick<Lookup, 'req' | 'res' | 'exchange'>, stale: CacheEntry): void {
    metrics.staleServed.inc({ reason: 'if-error' });
    logger.warn(`Serving a stale copy of ${l.exchange.path} because its node failed (stale-if-error)`);
    answerFromCache(l, stale, 'STALE', now());
  }

  /** The judgement of a node's answer to a client's fetch, with what it stores and counts; `stale` is set when the edge is revalidating it. */
  function judge(l: Lookup, proxyRes: IncomingMessage, times: AttemptTimes, stale: CacheEntry | undefined): Judgement {
    const status = proxyRes.statusCode ?? 502;
    const request = { method: l.exchange.method, headers: l.req.headers };
    const judgement = judgeAnswer({ request, status, headers: proxyRes.headers, times, stale, now: now(), background: false }, storeOptions);
    switch (judgement.kind) {
      case 'refreshed':
        discard(proxyRes);
        if (judgement.fresh) store(variantKey(l.primary, judgement.fresh.vary, l.req.headers), l.primary, judgement.fresh);
        metrics.revalidations.inc({ result: 'not-modified' });
        break;
      case 'stale-if-error':
        discard(proxyRes);
        metrics.staleServed.inc({ reason: 'if-error' });
        logger.warn(`Serving a stale copy of ${l.exchange.path} because its node answered ${status} (stale-if-error)`);
        break;
      case 'pass':
        metrics.notStored.inc({ reason: judgement.decision.reason });
        if (judgement.modified) metrics.revalidations.inc({ result: 'modified' });
        break;
      case 'store':
        if (judgement.modified) metrics.revalidations.inc({ result: 'modified' });
        break;
    }
    return judgement;
  }

  function onOwnAnswer(l: Lookup, proxyRes: IncomingMessage, times: AttemptTimes, stale: CacheEntry | undefined): void {
    const { req, res } = l;
    const verdict = judge(l, proxyRes, times, stale);
    if (verdict.kind === 'refreshed') return answerFromCache(l, verdict.entry, 'REVALIDATED', now(), ownSetCookie(proxyRes));
    if (verdict.kind === 'stale-if-error') return answerFromCache(l, verdict.entry, 'STALE', now());
    const nodeId = times.nodeId;
    const exchange = l.exchange;
    const headers = relayHeaders(proxyRes, 'MISS', nodeId, exchange.requestId, edgeOnly);
    if (verdict.kind !== 'store') return relay(proxyRes, res, headers);
    hitForMiss.forget(l.key);
    const collector = new BodyCollector(cache.memory.maxEntryBytes);
    res.writeHead(proxyRes.statusCode!, headers);
    proxyRes.on('data', (chunk: Buffer) => collector.push(chunk));
    proxyRes.pipe(res);
    proxyRes.once('end', () => {
      const body = collector.body();
      if (body === undefined || !answerIntact(proxyRes) || !options.cacheOn()) return;
      const decision = verdict.decision;
      const entry = entryFromResponse(proxyRes, body, decision, nodeId, times, storeOptions);
      if (entry !== undefined) store(variantKey(l.primary, decision.meta.vary, req.headers), l.primary, entry);
    });
  }

  function onSharedAnswer(l: Lookup, proxyRes: IncomingMessage, times: AttemptTimes, fill: Fill, stale: CacheEntry | undefined, settle: () => void): void {
    const nodeId = times.nodeId;
    const verdict = judge(l, proxyRes, times, stale);
    // A node's Set-Cookie is for the client whose request was sent; the other followers get the answer without it.
    const cookies = ownSetCookie(proxyRes);
    const withheld = () => cookieWithheld(l);
    if (verdict.kind === 'refreshed' || verdict.kind === 'stale-if-error') {
      settle();
      const revalidated = verdict.kind === 'refreshed';
      for (const follower of fill.takeFollowers()) {
        const mine = follower.res === l.res;
        if (revalidated && !mine && cookies.length > 0) withheld();
        answerFromCache(follower, verdict.entry, CACHED_OUTCOME[verdict.kind], now(), revalidated && mine ? cookies : undefined);
      }
      return;
    }
    if (verdict.kind !== 'store') {
      settle();
      // Remember it, so that the next requests for this key go straight through instead of queueing (hit-for-miss).
      hitForMiss.remember(l.key);
      // An answer that may not be stored may be one client's own: only the client it was fetched for gets it.
      const followers = fill.takeFollowers();
      for (const follower of followers) if (follower.res !== l.res) follower.release();
      if (!followers.some((f) => f.res === l.res) || l.res.destroyed) return discard(proxyRes);
      l.exchange.nodeId = nodeId;
      l.res.once('close', () => proxyRes.destroy());
      return relay(proxyRes, l.res, relayHeaders(proxyRes, 'MISS', nodeId, l.exchange.requestId, edgeOnly));
    }
    const decision = verdict.decision;
    hitForMiss.forget(l.key);
    const storeKey = variantKey(l.primary, decision.meta.vary, l.req.headers);
    if (decision.meta.vary.length > 0) fill.releaseWhere((f) => variantKey(l.primary, decision.meta.vary, f.req.headers) !== storeKey);
    // Without an X-Request-Id: the fill adds each follower's own.
    const headers = relayHeaders(proxyRes, 'MISS', nodeId, undefined, edgeOnly);
    if (cookies.length === 0) fill.start(proxyRes.statusCode!, headers, nodeId);
    else fill.start(proxyRes.statusCode!, withoutSetCookie(headers), nodeId, { res: l.res, headers: cookies, withheld });
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
      if (body === undefined || !answerIntact(proxyRes) || !options.cacheOn()) return;
      const entry = entryFromResponse(proxyRes, body, decision, nodeId, times, storeOptions);
      if (entry !== undefined) store(storeKey, l.primary, entry);
    });
    proxyRes.once('close', () => {
      if (proxyRes.complete) return;
      settle();
      fill.abort();
    });
  }

  function cookieWithheld(l: Lookup): void {
    metrics.setCookieWithheld.inc();
    logger.debug(`Set-Cookie of ${l.exchange.path} withheld from a client other than the one whose request fetched it`);
  }

  return { shared, alone: fetchAlone, ownAnswer: (l, proxyRes, times) => onOwnAnswer(l, proxyRes, times, undefined) };
}
