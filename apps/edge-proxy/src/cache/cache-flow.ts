import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../http/send-json';
import type { Exchange } from '../proxy/exchange';
import type { RoutingState } from '../routing/routing-state';
import type { BackgroundFill } from './background-fill';
import {
  type CacheControlTargets,
  CDN_TARGETS,
  completionRequest,
  isConditionalRequest,
  type PartialEntry,
  primaryKey,
  rangeFromPartial,
  requestPolicy,
  storedDirectives,
  usability,
} from './http-semantics';
import type { LanguageVariants } from './language-variants';
import type { Lookup } from './lookup';
import { createMissFetches, MissFetchesOptions } from './miss-fetches';
import { createPartialCompletion } from './partial-completion';
import type { PassThrough } from './pass-through';
import { answerFromCache } from './serve-entry';
import type { CacheEntry } from './store/cache-entry';
import { variantKey } from './store/variant-key';

/** What the client fetches need (miss-fetches), and what the flow around them adds. */
export interface CacheFlowOptions extends Omit<MissFetchesOptions, 'lookupAlone'> {
  /** Refreshes a stale-while-revalidate entry in the background. */
  backgroundFill: BackgroundFill;
  /** Finds a stored variant in the request's first-choice language when its own is not stored. */
  languages: LanguageVariants;
  sortQuery: boolean;
  /** Forwards requests the cache does not take part in. */
  passThrough: PassThrough;
}


export interface CacheFlow {
  /** GET and HEAD while the cache is on: L1, then L2, then the node (coalesced), with RFC 9111 semantics. */
  serve(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState): void;
}

export function createCacheFlow(options: CacheFlowOptions): CacheFlow {
  const { cache, metrics, logger, now } = options;
  const { hitForMiss } = options;
  const forward = options.passThrough.forward;
  const refreshing = new Set<string>();
  const fetches = createMissFetches({ ...options, lookupAlone: (l: Lookup) => lookup({ ...l, alone: true }) });
  const complete = createPartialCompletion({ ...options, fetchInFull: (l) => fetchFromNode(l, undefined), ownAnswer: fetches.ownAnswer });
  const partialServed = metrics.partialContent.labels({ result: 'served' });

  function serve(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState): void {
    const policy = requestPolicy(exchange.method, req.headers);
    if (!policy.lookup) return forward(req, res, exchange, state);
    const primary = primaryKey(exchange.path, { sortQuery: options.sortQuery });
    lookup({ req, res, exchange, state, policy, primary, key: primary, alone: false });
  }

  // Every cacheable request counts one of these: bound once, so counting them hashes no labels.
  const memoryHits = metrics.cacheLookups.bind({ tier: 'memory', result: 'hit' });
  const memoryMisses = metrics.cacheLookups.bind({ tier: 'memory', result: 'miss' });
  const exactVariants = metrics.variantSelections.bind({ by: 'exact' });
  const { languages } = options;

  function lookup(l: Lookup): void {
    const vary = cache.varyOf(l.primary);
    l.key = variantKey(l.primary, vary ?? [], l.req.headers);
    let entry = cache.getMemory(l.key);
    if (entry !== undefined && vary !== undefined && vary.length > 0) exactVariants.inc();
    // Only on a miss, and only for answers varying by Accept-Language: nothing more on any other lookup.
    if (entry === undefined && vary !== undefined && languages.applies(vary)) entry = languages.fromMemory(l.primary, vary, l.req.headers);
    if (entry !== undefined) {
      memoryHits.inc();
      return useEntry(l, entry);
    }
    memoryMisses.inc();
    if (cache.shared === undefined) return fetchFromNode(l, undefined);
    if (!cache.shared.availableFor(l.primary)) {
      // Fail open: while Redis (or the cluster master of this key's slot) is down the node answers at once; the tier reconnects by itself.
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
      if (entry !== undefined && vary.length > 0) exactVariants.inc();
      if (entry === undefined && languages.applies(vary)) entry = await languages.fromShared(l.primary, vary, l.req.headers);
    } catch (err) {
      logger.debug({ err }, `Shared cache lookup failed for ${l.primary}`);
    }
    if (l.res.destroyed) return;
    metrics.cacheLookups.inc({ tier: 'shared', result: entry ? 'hit' : 'miss' });
    if (entry !== undefined) useEntry(l, entry);
    else fetchFromNode(l, undefined);
  }

  function useEntry(l: Lookup, entry: CacheEntry): void {
    if (l.req.headers.authorization !== undefined && !sharedWithAuthorization(entry, options.storeOptions.targets)) {
      // RFC 9111 §3.5: an answer stored for anonymous requests is not reused for an authenticated one.
      return forward(l.req, l.res, l.exchange, l.state);
    }
    if (entry.partial !== undefined && rangeFromPartial(l.req.headers, entry as PartialEntry) === undefined) return beyondPartial(l, entry as PartialEntry);
    const at = now();
    const use = usability(entry, at, l.policy);
    if (entry.partial !== undefined && (use === 'fresh' || use === 'stale-while-revalidate')) partialServed.inc();
    if (use === 'fresh') return answerFromCache(l, entry, 'HIT', at);
    if (use === 'stale-while-revalidate') {
      answerFromCache(l, entry, 'STALE', at);
      metrics.staleServed.inc({ reason: 'while-revalidate' });
      return refreshInBackground(l, entry);
    }
    fetchFromNode(l, entry);
  }

  /**
   * A request a stored partial entry cannot answer. A plain GET for the whole representation completes a
   * stored prefix (RFC 9111 §3.4); anything else goes to the node as if nothing were stored, and a storable
   * answer replaces the entry (or extends it: entry-store.ts).
   */
  function beyondPartial(l: Lookup, entry: PartialEntry): void {
    const plainGet = l.exchange.method === 'GET' && l.req.headers.range === undefined && !isConditionalRequest(l.req.headers) && !l.policy.onlyIfCached;
    const request = plainGet ? completionRequest(entry) : undefined;
    if (request !== undefined) return complete(l, entry, request);
    fetchFromNode(l, undefined);
  }

  function refreshInBackground(l: Lookup, stale: CacheEntry): void {
    if (refreshing.has(l.key)) return;
    refreshing.add(l.key);
    const key = l.key;
    options
      .backgroundFill({ state: l.state, target: l.exchange.path, primary: l.primary, requestHeaders: l.req.headers, stale, peer: l.req.socket.remoteAddress, requestId: l.exchange.requestId })
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
    const shareable = !l.alone && exchange.method === 'GET' && !isConditionalRequest(req.headers) && req.headers.range === undefined && !hitForMiss.has(l.key);
    if (shareable) fetches.shared(l, stale);
    else fetches.alone(l, stale);
  }

  return { serve };
}


/**
 * RFC 9111 §3.5: an answer may serve requests with Authorization when it says public, s-maxage or
 * must-revalidate, in the directives it was stored by (a targeted field's, RFC 9213 §2.1, when it had one).
 */
function sharedWithAuthorization(entry: CacheEntry, targets: CacheControlTargets | undefined): boolean {
  const directives = storedDirectives(entry, targets ?? CDN_TARGETS);
  return directives.has('public') || directives.has('s-maxage') || directives.has('must-revalidate');
}
