import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { Logger } from '@cdn/shared';
import type { Forwarding } from '../http/forwarded-headers';
import { sendError } from '../http/send-json';
import { stripRequestHopByHop } from '../http/hop-by-hop';
import type { EdgeMetrics } from '../observability/edge-metrics';
import { nodePath } from '../routing/cdn-path';
import type { NodeTarget } from '../routing/routing-state';
import { Exchange, exchangeOf } from './exchange';
import { relay, relayHeaders } from './relay';
import { clientErrorFor, upstreamErrorCode, upstreamTimeoutError } from './upstream-error';

export interface ForwarderOptions {
  logger: Logger;
  metrics: EdgeMetrics;
  now: () => number;
  /** Time a node has to send its response headers. */
  upstreamTimeoutMs: number;
  /** Sets X-Forwarded-* and strips what a client forged (--trusted-proxy). */
  forwarding: Forwarding;
}

export interface Forwarder {
  /**
   * Streams the request to the node and its answer back; `path` of the exchange is the client's /cdn/... target.
   * `body` replays a request body already read (a retry); by default the client's request streams through.
   */
  forward(req: IncomingMessage, res: ServerResponse, exchange: Exchange, target: NodeTarget, body?: Readable): void;
}

const ATTEMPT = Symbol('cdn.attempt');
type AttemptRequest = ClientRequest & { [ATTEMPT]?: number };
/** Set on a client request once its forwarding headers are rewritten: a retry or a second fetch must not append again. */
const FORWARDED = Symbol('cdn.forwarded');
type ForwardedRequest = IncomingMessage & { [FORWARDED]?: true };


/** Forwards over http-proxy-3: bodies are piped both ways with back-pressure, never buffered. */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const { logger, metrics } = options;
  // The edge writes every answer itself (relay, cache fills, stale answers), so http-proxy-3 hands it the response.
  // Host is the node's own (changeOrigin); X-Forwarded-* are the edge's (options.forwarding), not http-proxy-3's
  // xfwd, which keeps a client's X-Forwarded-Host and appends to its X-Forwarded-Proto.
  const proxy = createProxyServer({ changeOrigin: true, xfwd: false, selfHandleResponse: true });

  /** Gives the client one error answer, once; the node's request is abandoned. */
  function fail(req: IncomingMessage, res: ServerResponse, exchange: Exchange, err: unknown): void {
    if (exchange.failed) return;
    exchange.failed = true;
    clearTimeout(exchange.timer);
    exchange.upstream?.destroy();
    if (!exchange.detached && (res.destroyed || req.socket.destroyed)) {
      // The client left first; its departure is what broke the forward, not the node.
      logger.debug(`Client went away during ${exchange.method} ${exchange.path} to ${exchange.nodeId}`);
      return;
    }
    const code = upstreamErrorCode(err);
    const nodeId = exchange.nodeId ?? '-';
    metrics.upstreamErrors.inc({ node: nodeId, code });
    const failure = `Failed to forward request ${exchange.method} ${exchange.path} to ${nodeId}: ${code}`;
    if (exchange.retry?.(code)) {
      logger.warn({ err, node: nodeId, method: exchange.method, path: exchange.path, code }, `${failure}; retrying on another node`);
      return;
    }
    logger.error({ err, node: nodeId, method: exchange.method, path: exchange.path, code }, failure);
    const error = clientErrorFor(code);
    if (exchange.onUpstreamFailure?.(error)) return;
    sendError(res, error, { 'x-cdn-node': nodeId });
  }

  proxy.on('proxyReq', (proxyReq: ClientRequest, _req: IncomingMessage, res: ServerResponse) => {
    const exchange = exchangeOf(res);
    if (!exchange) return;
    (proxyReq as AttemptRequest)[ATTEMPT] = exchange.attempts;
    exchange.upstream = proxyReq;
    if (exchange.failed) return void proxyReq.destroy();
    if (exchange.upstreamHeaders) for (const [name, value] of Object.entries(exchange.upstreamHeaders)) proxyReq.setHeader(name, value);
  });

  proxy.on('proxyRes', (proxyRes: IncomingMessage, _req: IncomingMessage, res: ServerResponse) => {
    const exchange = exchangeOf(res);
    if (!exchange) return;
    // An answer to an attempt given up on (a retry is under way) is not the client's.
    const attempt = (proxyRes as IncomingMessage & { req?: AttemptRequest }).req?.[ATTEMPT];
    if (attempt !== undefined && attempt !== exchange.attempts) return void proxyRes.destroy();
    clearTimeout(exchange.timer);
    exchange.responseTime = options.now();
    // A node that dies mid-body must not leave the client waiting for bytes that never come.
    proxyRes.on('error', () => undefined);
    proxyRes.on('close', () => {
      if (!proxyRes.complete && !res.destroyed) res.destroy();
    });
    if (exchange.respond) exchange.respond(proxyRes);
    else relay(proxyRes, res, relayHeaders(proxyRes, exchange.cache, exchange.nodeId!));
  });

  // Every web() call passes its own callback; this only keeps an unexpected emit from crashing the process.
  proxy.on('error', (err: Error) => logger.debug({ err }, 'http-proxy-3 reported an error outside any request'));

  return {
    forward(req, res, exchange, target, body) {
      const attempt = ++exchange.attempts;
      exchange.failed = false;
      exchange.upstream = undefined;
      exchange.nodeId = target.node.id;
      exchange.requestTime = options.now();
      logger.info(`Forwarding ${exchange.method} ${exchange.path} to ${target.node.id}`);
      // The node sees the path after /cdn, joined to its own base path by http-proxy-3.
      req.url = nodePath(exchange.path);
      // Node's server already answered "100 Continue"; the node must not wait for a second one.
      delete req.headers.expect;
      stripRequestHopByHop(req.headers);
      if (!(req as ForwardedRequest)[FORWARDED]) {
        (req as ForwardedRequest)[FORWARDED] = true;
        if (options.forwarding.rewrite(req.headers, req.socket.remoteAddress, req.socket.localPort)) {
          metrics.forgedForwardingHeaders.inc();
          logger.debug(`Dropped the forwarding headers (X-Forwarded-*, Forwarded, X-Real-IP) that ${req.socket.remoteAddress} sent with ${exchange.method} ${exchange.path}: not a --trusted-proxy`);
        }
      }
      exchange.timer = setTimeout(() => {
        if (attempt !== exchange.attempts) return;
        const err = upstreamTimeoutError(options.upstreamTimeoutMs);
        if (exchange.upstream) exchange.upstream.destroy(err);
        else fail(req, res, exchange, err);
      }, options.upstreamTimeoutMs);
      // The callback replaces http-proxy-3's 'error' event for this attempt only: a late error of an
      // attempt already given up on must not fail the next one.
      proxy.web(req, res, body ? { ...target.proxyOptions, buffer: body } : target.proxyOptions, (err: Error) => {
        if (attempt === exchange.attempts) fail(req, res, exchange, err);
      });
    },
  };
}
