import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Logger, LoadOf } from '@cdn/shared';
import type { PassiveHealth } from '../health/passive-health';
import type { RetryBudget } from '../health/retry-budget';
import type { EdgeMetrics } from '../observability/edge-metrics';
import type { RoutingState } from '../routing/routing-state';
import type { Exchange } from './exchange';
import type { Forwarder } from './forwarder';
import { relay, relayHeaders } from './relay';

/** Methods whose request may be sent twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Errors raised before any byte of the request left: retrying cannot apply a request twice. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** Answers that mean "another node might do": retried for idempotent requests before anything reached the client. */
const RETRYABLE_STATUS = new Set([502, 503, 504]);
/** Request bodies up to this size are kept in memory so that a failed attempt can be replayed on another node. */
export const REPLAYABLE_BODY_BYTES = 64 * 1024;

export interface DispatcherOptions {
  forwarder: Forwarder;
  health: PassiveHealth;
  budget: RetryBudget;
  /** Further nodes tried after the first fails (--retries). */
  retries: number;
  loadOf: LoadOf;
  random: () => number;
  metrics: EdgeMetrics;
  logger: Logger;
}

export interface Dispatcher {
  /**
   * Picks a node for the request and forwards it; when an attempt fails before anything reached the client,
   * tries another node (within --retries and the retry budget). Returns false when no node can be picked at all.
   */
  dispatch(req: IncomingMessage, res: ServerResponse, exchange: Exchange, state: RoutingState, key: string): boolean;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { forwarder, health, budget, metrics, logger } = options;
  let lastPanicLog = 0;

  /** No healthy node is left and panic routing sends to an unhealthy one: counted always, logged at most every 10 s. */
  function notePanic(nodeId: string, status: string): void {
    metrics.panicRouted.inc();
    const now = Date.now();
    if (now - lastPanicLog < 10_000) return;
    lastPanicLog = now;
    logger.warn(`No active node left: panic routing sends requests to ${status} node ${nodeId}`);
  }

  function pick(state: RoutingState, req: IncomingMessage, key: string, tried: ReadonlySet<string>) {
    const location = req.headers['x-client-location'];
    const clientLocation = typeof location === 'string' ? location : undefined;
    const ejected = health.ejected();
    const exclude = ejected.size === 0 ? tried : new Set([...tried, ...ejected]);
    // Nodes this edge ejected are still better than no node at all.
    return (
      state.balancer.pick({ key, clientLocation, exclude }, options.loadOf, options.random) ??
      (ejected.size > 0 ? state.balancer.pick({ key, clientLocation, exclude: tried }, options.loadOf, options.random) : undefined)
    );
  }

  return {
    dispatch(req, res, exchange, state, key) {
      const tried = new Set<string>();
      const first = pick(state, req, key, tried);
      if (first === undefined) return false;
      if (first.status !== 'active') notePanic(first.id, first.status);
      budget.request();
      const method = exchange.method;
      const body = replayableBody(req);
      let replay: Buffer | undefined;
      let current = first.id;
      /** The attempt counted in flight now; each is finished once, however it ends. */
      let attempt = { nodeId: first.id, open: false };
      const handle = exchange.respond;
      const finish = (a: typeof attempt) => {
        if (!a.open) return;
        a.open = false;
        health.finished(a.nodeId);
      };
      // A client that leaves ends the request to the node too.
      res.once('close', () => finish(attempt));

      const send = (nodeId: string) => {
        tried.add(nodeId);
        current = nodeId;
        attempt = { nodeId, open: true };
        health.started(nodeId);
        forwarder.forward(req, res, exchange, state.targets.get(nodeId)!, replay ? Readable.from([replay]) : tried.size > 1 ? Readable.from([]) : undefined);
      };

      const retryOn = (code: string, status: number | undefined): boolean => {
        const mayRepeat = IDEMPOTENT.has(method) ? status === undefined || RETRYABLE_STATUS.has(status) : status === undefined && NOT_SENT.has(code);
        if (!mayRepeat || tried.size > options.retries || res.headersSent || body === 'streamed' || !budget.tryRetry()) return false;
        const next = pick(state, req, key, tried);
        if (next === undefined) return false;
        metrics.retries.inc({ reason: status === undefined ? code : `HTTP ${status}` });
        logger.info(`Retrying ${method} ${exchange.path} on ${next.id} after ${current} failed: ${status === undefined ? code : `HTTP ${status}`}`);
        send(next.id);
        return true;
      };

      exchange.retry = (code) => {
        finish(attempt);
        noteFailure(current, code);
        return retryOn(code, undefined);
      };
      exchange.respond = (proxyRes) => {
        const nodeId = current;
        const answered = attempt;
        const status = proxyRes.statusCode ?? 502;
        proxyRes.once('close', () => finish(answered));
        if (status >= 500) noteFailure(nodeId, `HTTP ${status}`);
        else health.succeeded(nodeId);
        if (RETRYABLE_STATUS.has(status) && retryOn(`HTTP ${status}`, status)) return void proxyRes.resume();
        if (handle) handle(proxyRes);
        else relay(proxyRes, res, relayHeaders(proxyRes, exchange.cache, nodeId));
      };

      function noteFailure(nodeId: string, error: string): void {
        const { ejectedForMs } = health.failed(nodeId, error);
        if (ejectedForMs === undefined) return;
        metrics.ejections.inc();
        logger.warn(`Node ${nodeId} ejected from this edge for ${ejectedForMs / 1000} s after repeated failures (last: ${error})`);
      }

      if (body === 'small') {
        // Read first, so that a retry can send it again; bounded by REPLAYABLE_BODY_BYTES.
        readAll(req).then(
          (buffer) => {
            replay = buffer;
            send(first.id);
          },
          () => res.destroy(),
        );
      } else {
        send(first.id);
      }
      return true;
    },
  };
}

/** none: nothing to send; small: kept for replay; streamed: too large (or unknown) to keep, not retried. */
function replayableBody(req: IncomingMessage): 'none' | 'small' | 'streamed' {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined) return 'streamed';
  if (length === undefined || length === '0') return 'none';
  return Number(length) <= REPLAYABLE_BODY_BYTES ? 'small' : 'streamed';
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
