import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode, Logger } from '@cdn/shared';
import type { EdgeMetrics } from '../observability/edge-metrics';
import type { AttemptTimes } from '../proxy/attempt';
import { sendUpstreamError } from '../proxy/dispatch-hooks';
import type { Dispatcher } from '../proxy/dispatcher';
import type { Exchange } from '../proxy/exchange';
import { relay, relayHeaders } from '../proxy/relay';
import type { RoutingState } from '../routing/routing-state';
import type { HitForMiss } from './coalescing/hit-for-miss';
import { invalidatedTargets, primaryKey } from './http-semantics';
import type { TieredCache } from './store/tiered-cache';

export interface PassThroughOptions {
  cache: TieredCache;
  dispatcher: Dispatcher;
  hitForMiss: HitForMiss;
  sortQuery: boolean;
  /** The targeted cache-control field meant for this CDN alone (--cache-control-target), never relayed to clients. */
  edgeOnlyField: string | undefined;
  metrics: EdgeMetrics;
  logger: Logger;
  /** Tells every other edge to drop these primary keys. */
  broadcastInvalidation: (primaries: string[]) => void;
}

export interface PassThrough {
  /** Forwards a request the cache takes no part in (cache off, no-store request, an authenticated request). */
  forward(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState): void;
  /** Any method but GET and HEAD: forwarded as it is; a success invalidates what it changed, on every edge (RFC 9111 §4.4). */
  pass(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState): void;
}

export function createPassThrough(options: PassThroughOptions): PassThrough {
  const { cache, dispatcher, hitForMiss, metrics, logger } = options;
  const key = (target: string) => primaryKey(target, { sortQuery: options.sortQuery });

  function forward(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState): void {
    dispatcher.dispatch(req, res, exchange, state, key(exchange.path));
  }

  function pass(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState): void {
    const method = exchange.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && method !== 'TRACE') {
      const host = req.headers.host;
      const hooks = {
        onAnswer(proxyRes: IncomingMessage, times: AttemptTimes) {
          const status = proxyRes.statusCode ?? 0;
          if (status >= 200 && status < 400) invalidate(exchange, times.nodeId, status, proxyRes.headers, host, state);
          relay(proxyRes, res, relayHeaders(proxyRes, exchange.cache, times.nodeId, exchange.requestId, options.edgeOnlyField));
        },
        onFailure: (error: ErrorCode, nodeId: string | undefined) => sendUpstreamError(res, error, nodeId),
      };
      return dispatcher.dispatch(req, res, exchange, state, key(exchange.path), hooks);
    }
    forward(req, res, exchange, state);
  }

  function invalidate(exchange: Exchange, nodeId: string, status: number, headers: IncomingHttpHeaders, clientHost: string | undefined, state: RoutingState): void {
    const nodeHost = state.targets.get(nodeId)?.proxyOptions.target.host ?? '';
    const targets = invalidatedTargets(exchange.method, status, exchange.path, headers, { clientHost, nodeHost });
    if (targets.length === 0) return;
    const primaries = targets.map(key);
    for (const primary of primaries) hitForMiss.forget(primary);
    // Other edges are told once the shared tier no longer holds the entries, or they could refill from it.
    void cache
      .invalidate(primaries)
      .then(
        (count) => {
          metrics.invalidations.inc({ source: 'local' });
          logger.info(`Invalidated ${primaries.join(' ')} after ${exchange.method} ${exchange.path} (${count} entries)`);
        },
        (err: unknown) => logger.warn({ err }, `Invalidation of ${primaries.join(' ')} failed: ${(err as Error).message}`),
      )
      .finally(() => options.broadcastInvalidation(primaries));
  }

  return { forward, pass };
}
