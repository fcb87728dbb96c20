import { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ErrorCode, Logger } from '@cdn/shared';
import { sendError } from '../http/send-json';
import type { EdgeMetrics } from '../observability/edge-metrics';
import { Exchange, EXCHANGE, newExchange, ResponseWithExchange } from '../proxy/exchange';
import type { Dispatcher } from '../proxy/dispatcher';
import { discard, relay, relayHeaders } from '../proxy/relay';
import type { RoutingState } from '../routing/routing-state';
import { BodyCollector } from './body-collector';
import type { CacheFiller } from './cache-filler';
import { Fill } from './coalescing/fill';
import type { HitForMiss } from './coalescing/hit-for-miss';
import {
  decideStorage,
  freshenWithNotModified,
  parseCacheControl,
  primaryKey,
  RequestPolicy,
  requestPolicy,
  revalidationHeaders,
  StoreDecision,
  StoreOptions,
  usability,
  usableOnError,
} from './http-semantics';
import type { StoreEntry } from './entry-store';
import type { PassThrough } from './pass-through';
import { entryFromResponse } from './response-entry';
import { serveEntry } from './serve-entry';
import type { CacheEntry } from './store/cache-entry';
import type { TieredCache } from './store/tiered-cache';
import { variantKey } from './store/variant-key';

export interface CacheFlowOptions {
  cache: TieredCache;
  store: StoreEntry;
  filler: CacheFiller;
  dispatcher: Dispatcher;
  storeOptions: StoreOptions;
  sortQuery: boolean;
  metrics: EdgeMetrics;
  logger: Logger;
  now: () => number;
  /** Whether answers completing now may still be stored (the cache may have been switched off meanwhile). */
  cacheOn: () => boolean;
  /** Keys whose answers turned out uncacheable (shared with the pass-through, which clears them on invalidation). */
  hitForMiss: HitForMiss;
  /** Forwards requests the cache does not take part in. */
  passThrough: PassThrough;
}

/** What one cacheable request is looking for. */
interface Lookup {
  req: IncomingMessage;
  res: ServerResponse;
  exchange: Exchange;
  state: RoutingState;
  policy: RequestPolicy;
  primary: string;
  key: string;
  /** Already a follower that was let go: go to the node alone, never wait on a fill again. */
  alone: boolean;
}

export interface CacheFlow {
  /** GET and HEAD while the cache is on: L1, then L2, then the node (coalesced), with RFC 9111 semantics. */
  serve(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState): void;
}

export function createCacheFlow(options: CacheFlowOptions): CacheFlow {
  const { cache, dispatcher, metrics, logger, now, storeOptions, store } = options;
  const fills = new Map<string, Fill>();
  const { hitForMiss } = options;
  const forward = options.passThrough.forward;
  const refreshing = new Set<string>();

  function serve(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState): void {
    const policy = requestPolicy(exchange.method, req.headers);
    if (!policy.lookup) return forward(req, res, exchange, state);
    const primary = primaryKey(exchange.path, { sortQuery: options.sortQuery });
    lookup({ req, res, exchange, state, policy, primary, key: primary, alone: false });
  }

  function lookup(l: Lookup): void {
    const vary = cache.varyOf(l.primary);
    l.key = variantKey(l.primary, vary ?? [], l.req.headers);
    const entry = cache.getMemory(l.key);
    if (entry !== undefined) {
      metrics.cacheLookups.inc({ tier: 'memory', result: 'hit' });
      return useEntry(l, entry);
    }
    metrics.cacheLookups.inc({ tier: 'memory', result: 'miss' });
    if (cache.shared === undefined) return fetchFromNode(l, undefined);
    if (!cache.shared.available) {
      // Fail open: while Redis is down the node answers at once; the tier reconnects by itself.
      metrics.cacheLookups.inc({ tier: 'shared', result: 'unavailable' });
      return fetchFromNode(l, undefined);
    }
    void lookupShared(l, vary);
  }

  async function lookupShared(l: Lookup, knownVary: readonly string[] | undefined): Promise<void> {
    let entry: CacheEntry | undefined;
    try {
      const vary = knownVary ?? (await cache.sharedVaryOf(l.primary)) ?? [];
      l.key = variantKey(l.primary, vary, l.req.headers);
      entry = await cache.getShared(l.key);
    } catch (err) {
      logger.debug({ err }, `Shared cache lookup failed for ${l.primary}`);
    }
    if (l.res.destroyed) return;
    metrics.cacheLookups.inc({ tier: 'shared', result: entry ? 'hit' : 'miss' });
    if (entry !== undefined) useEntry(l, entry);
    else fetchFromNode(l, undefined);
  }

  function useEntry(l: Lookup, entry: CacheEntry): void {
    if (l.req.headers.authorization !== undefined && !sharedWithAuthorization(entry)) {
      // RFC 9111 §3.5: an answer stored for anonymous requests is not reused for an authenticated one.
      return forward(l.req, l.res, l.exchange, l.state);
    }
    const at = now();
    const use = usability(entry, at, l.policy);
    if (use === 'fresh') return answerFromCache(l, entry, 'HIT', at);
    if (use === 'stale-while-revalidate') {
      answerFromCache(l, entry, 'STALE', at);
      metrics.staleServed.inc({ reason: 'while-revalidate' });
      return refreshInBackground(l, entry);
    }
    fetchFromNode(l, entry);
  }

  function answerFromCache(l: Pick<Lookup, 'req' | 'res' | 'exchange'>, entry: CacheEntry, outcome: 'HIT' | 'STALE' | 'REVALIDATED', at: number): void {
    l.exchange.cache = outcome;
    l.exchange.nodeId = entry.nodeId;
    serveEntry(l.req, l.res, entry, outcome, at);
  }

  function refreshInBackground(l: Lookup, stale: CacheEntry): void {
    if (refreshing.has(l.key)) return;
    refreshing.add(l.key);
    const key = l.key;
    options.filler
      .fill({ state: l.state, target: l.exchange.path, primary: l.primary, requestHeaders: l.req.headers, stale })
      .then(
        (result) => {
          metrics.backgroundRefreshes.inc({ result });
          logger.debug(`Background refresh of ${key}: ${result}`);
        },
        (err: unknown) => {
          metrics.backgroundRefreshes.inc({ result: 'error' });
          logger.warn({ err }, `Background refresh of ${l.exchange.path} failed: ${(err as Error).message}; serving the stale copy meanwhile`);
        },
      )
      .finally(() => refreshing.delete(key));
  }

  /** A miss (stale === undefined) or a stale entry that must be revalidated with the node first. */
  function fetchFromNode(l: Lookup, stale: CacheEntry | undefined): void {
    if (l.policy.onlyIfCached) return sendError(l.res, 'not_cached');
    const { req, exchange } = l;
    const shareable = !l.alone && exchange.method === 'GET' && !isConditional(req.headers) && req.headers.range === undefined && !hitForMiss.has(l.key);
    if (!shareable) return fetchAlone(l, stale);
    const existing = fills.get(l.key);
    if (existing?.joinable) {
      metrics.coalesced.inc();
      return follow(existing, l);
    }
    fetchShared(l, stale);
  }

  function follow(fill: Fill, l: Lookup): void {
    l.exchange.cache = 'MISS';
    fill.join({ req: l.req, res: l.res, exchange: l.exchange, release: () => lookup({ ...l, alone: true }) });
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
    const revalidating = stale !== undefined && !isConditional(req.headers);
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

  return { serve };
}

function isConditional(headers: IncomingHttpHeaders): boolean {
  return headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined;
}

/** RFC 9111 §3.5: an answer may serve requests with Authorization when it says public, s-maxage or must-revalidate. */
function sharedWithAuthorization(entry: CacheEntry): boolean {
  for (let i = 0; i < entry.headers.length; i += 2) {
    if (entry.headers[i] !== 'cache-control') continue;
    const directives = parseCacheControl(entry.headers[i + 1]);
    if (directives.has('public') || directives.has('s-maxage') || directives.has('must-revalidate')) return true;
  }
  return false;
}
