import { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, LoadOf } from '@cdn/shared';
import type { PassiveHealth } from '../health/passive-health';
import type { RetryBudget } from '../health/retry-budget';
import type { EdgeMetrics } from '../observability/edge-metrics';
import type { RoutingState } from '../routing/routing-state';
import { Dispatch, DispatchContext } from './dispatch';
import { DispatchHooks, sendUpstreamError } from './dispatch-hooks';
import type { Exchange } from './exchange';
import type { Forwarder } from './forwarder';
import type { ProtocolErrors } from './protocol-errors';
import { bodyKind } from './replayable-body';

export interface DispatcherOptions {
  forwarder: Forwarder;
  health: PassiveHealth;
  budget: RetryBudget;
  /** Further nodes tried after the first fails (--retries). */
  retries: number;
  /** The targeted cache-control field meant for this CDN alone (--cache-control-target), never relayed to clients. */
  edgeOnlyField: string | undefined;
  loadOf: LoadOf;
  random: () => number;
  metrics: EdgeMetrics;
  logger: Logger;
  protocolErrors: ProtocolErrors;
}

/** A request no client waits on: the one fetch coalesced clients share, a background refresh, cache warming. */
export interface RequestWithoutClient {
  /** What is sent: the request of the client a shared fetch started with, or ownRequest(...). */
  req: IncomingMessage;
  /** The client target (/cdn/<path>?<query>) it is for. */
  path: string;
  /** Headers for the node only (the validators of a stale entry being revalidated). */
  headers?: Record<string, string>;
  /** This node and no other (cache warming keeps each node's queue to its own concurrency). */
  nodeId?: string;
  /** The X-Request-Id the node is sent: the id of the client a shared fetch started with. */
  requestId?: string;
}

export interface Dispatcher {
  /**
   * Picks a node for a client's request and forwards it; when an attempt fails before anything reached the
   * client, tries another node (within --retries and the retry budget). The outcome goes to `hooks`, once;
   * without hooks the answer is relayed to the client and a failure (no_active_node when no node can be
   * picked) answered with the JSON error. `headers` go to the node only.
   */
  dispatch(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState, key: string, hooks?: DispatchHooks, headers?: Record<string, string>): void;
  /** The same for a request no client waits on: no client's departure ends it, and only the hooks hear of it. */
  dispatchWithoutClient(request: RequestWithoutClient, state: RoutingState, key: string, hooks: DispatchHooks): void;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { health, budget, metrics, logger } = options;
  let lastPanicLog = 0;

  /** No healthy node is left and panic routing sends to an unhealthy one: counted always, logged at most every 10 s. */
  function notePanic(nodeId: string, status: string): void {
    metrics.panicRouted.inc();
    const now = Date.now();
    if (now - lastPanicLog < 10_000) return;
    lastPanicLog = now;
    logger.warn(`No active node left: panic routing sends requests to ${status} node ${nodeId}`);
  }

  const ctx: DispatchContext = {
    forwarder: options.forwarder,
    health,
    budget,
    retries: options.retries,
    edgeOnlyField: options.edgeOnlyField,
    metrics,
    logger,
    protocolErrors: options.protocolErrors,
    pick(state, req, key, tried) {
      const location = req.headers['x-client-location'];
      const clientLocation = typeof location === 'string' ? location : undefined;
      const ejected = health.ejected();
      const exclude = ejected.size === 0 ? tried : tried === undefined ? ejected : new Set([...tried, ...ejected]);
      // Nodes this edge ejected are still better than no node at all.
      return (
        state.balancer.pick({ key, clientLocation, exclude }, options.loadOf, options.random) ??
        (ejected.size > 0 ? state.balancer.pick({ key, clientLocation, exclude: tried }, options.loadOf, options.random) : undefined)
      );
    },
  };

  /** The first node of a dispatch: the table's choice, or the one the request is pinned to. */
  function first(state: RoutingState, req: IncomingMessage, key: string, pinned: string | undefined) {
    if (pinned !== undefined) return state.targets.get(pinned)?.node;
    const node = ctx.pick(state, req, key, undefined);
    if (node !== undefined && node.status !== 'active') notePanic(node.id, node.status);
    return node;
  }

  return {
    dispatch(req, res, exchange, state, key, hooks, headers) {
      const node = first(state, req, key, undefined);
      if (node === undefined) return hooks ? hooks.onFailure('no_active_node', undefined) : sendUpstreamError(res, 'no_active_node', undefined);
      budget.request();
      new Dispatch(ctx, req, res, exchange, exchange.method, exchange.path, headers, exchange.requestId, state, key, false, bodyKind(req), hooks).start(node.id);
    },
    dispatchWithoutClient(request, state, key, hooks) {
      const { req, nodeId } = request;
      const node = first(state, req, key, nodeId);
      if (node === undefined) return hooks.onFailure('no_active_node', undefined);
      budget.request();
      // http-proxy-3 writes to a response; this one stands in for the clients that are not there.
      const standIn = new ServerResponse(req);
      new Dispatch(ctx, req, standIn, undefined, req.method ?? 'GET', request.path, request.headers, request.requestId, state, key, nodeId !== undefined, bodyKind(req), hooks).start(node.id);
    },
  };
}
