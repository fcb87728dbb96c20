import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@cdn/shared';
import { sendError } from '../http/send-json';
import type { EdgeMetrics } from '../observability/edge-metrics';
import type { Exchange } from '../proxy/exchange';
import type { Dispatcher } from '../proxy/dispatcher';
import { discard, relay, relayHeaders } from '../proxy/relay';
import type { RoutingState } from '../routing/routing-state';
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

  function answerFromCache(l: Lookup, entry: CacheEntry, outcome: 'HIT' | 'STALE' | 'REVALIDATED', at: number): void {
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
    const { req, res, exchange, state } = l;
    if (l.policy.onlyIfCached) return sendError(res, 'not_cached');
    const shareable = !l.alone && exchange.method === 'GET' && !isConditional(req.headers) && req.headers.range === undefined && !hitForMiss.has(l.key);
    if (shareable) {
      const existing = fills.get(l.key);
      if (existing?.joinable) {
        metrics.coalesced.inc();
        exchange.cache = 'MISS';
        existing.join({ res, headers: req.headers, release: () => lookup({ ...l, alone: true }), started: (nodeId) => (exchange.nodeId = nodeId) });
        return;
      }
    }

    const fill = new Fill(cache.memory.maxEntryBytes);
    if (shareable) fills.set(l.key, fill);
    const settle = () => {
      if (fills.get(l.key) === fill) fills.delete(l.key);
    };
    // A stale entry is revalidated: a 304 refreshes it without downloading the body again. A client's own
    // conditional request is forwarded as it is, and the node's 304 is its answer.
    const revalidating = stale !== undefined && !isConditional(req.headers);
    if (revalidating) exchange.upstreamHeaders = revalidationHeaders(stale);
    exchange.cache = 'MISS';
    exchange.respond = (proxyRes) => onNodeAnswer(l, proxyRes, fill, revalidating ? stale : undefined, settle);
    exchange.onUpstreamFailure = () => {
      settle();
      fill.abort();
      if (stale && usableOnError(stale, now())) {
        answerStaleOnError(l, stale);
        return true;
      }
      return false;
    };
    if (dispatcher.dispatch(req, res, exchange, state, l.primary)) return;
    settle();
    fill.abort();
    if (stale && usableOnError(stale, now())) return answerStaleOnError(l, stale);
    sendError(res, 'no_active_node');
  }

  function answerStaleOnError(l: Lookup, stale: CacheEntry): void {
    metrics.staleServed.inc({ reason: 'if-error' });
    logger.warn(`Serving a stale copy of ${l.exchange.path} because its node failed (stale-if-error)`);
    answerFromCache(l, stale, 'STALE', now());
  }

  /** `stale` is set when this request revalidates it (the edge added the validators). */
  function onNodeAnswer(l: Lookup, proxyRes: IncomingMessage, fill: Fill, stale: CacheEntry | undefined, settle: () => void): void {
    const { req, res, exchange } = l;
    const status = proxyRes.statusCode ?? 502;
    const times = { requestTime: exchange.requestTime, responseTime: exchange.responseTime };
    const request = { method: exchange.method, headers: req.headers };

    if (stale && status === 304) {
      discard(proxyRes);
      settle();
      const fresh = freshenWithNotModified(stale, proxyRes, request, times, storeOptions);
      if (fresh) store(variantKey(l.primary, fresh.vary, req.headers), l.primary, fresh);
      metrics.revalidations.inc({ result: 'not-modified' });
      fill.release();
      return answerFromCache(l, fresh ?? stale, 'REVALIDATED', now());
    }
    if (stale && status >= 500 && usableOnError(stale, now())) {
      discard(proxyRes);
      settle();
      fill.release();
      return answerStaleOnError(l, stale);
    }
    if (stale) metrics.revalidations.inc({ result: 'modified' });

    const decision = decideStorage(request, { status, headers: proxyRes.headers }, times, storeOptions);
    const headers = relayHeaders(proxyRes, 'MISS', exchange.nodeId!);
    if (!decision.store) {
      settle();
      // Remember it, so that the next requests for this key go straight through instead of queueing (hit-for-miss).
      if (exchange.method === 'GET' && req.headers.range === undefined && !stale && !isConditional(req.headers)) hitForMiss.remember(l.key);
      metrics.notStored.inc({ reason: decision.reason });
      fill.release();
      return relay(proxyRes, res, headers);
    }
    hitForMiss.forget(l.key);
    const storeKey = variantKey(l.primary, decision.meta.vary, req.headers);
    if (decision.meta.vary.length > 0) fill.releaseWhere((f) => variantKey(l.primary, decision.meta.vary, f.headers) !== storeKey);
    fill.start(status, headers, exchange.nodeId!);
    res.writeHead(status, headers);
    proxyRes.on('data', (chunk: Buffer) => fill.push(chunk));
    proxyRes.pipe(res);
    proxyRes.once('end', () => {
      settle();
      const body = fill.body();
      fill.end();
      if (body === undefined || !proxyRes.complete || !options.cacheOn()) return;
      store(storeKey, l.primary, entryFromResponse(proxyRes, body, decision, exchange.nodeId!, times));
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
