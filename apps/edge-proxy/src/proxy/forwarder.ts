import type { ClientRequest, IncomingMessage, InformationEvent, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createProxyServer, type ServerOptions } from 'http-proxy-3';
import { requestLogOf, type Logger } from '@cdn/shared';
import type { Forwarding } from '../http/forwarded-headers';
import { stripRequestHopByHop } from '../http/hop-by-hop';
import type { EdgeMetrics } from '../observability/edge-metrics';
import { nodePath } from '../routing/cdn-path';
import type { NodeTarget } from '../routing/routing-state';
import { markOverrun } from './answer-integrity';
import type { Attempt } from './attempt';
import { carriesRequestTo } from './pooled-connections';
import type { ProtocolErrors } from './protocol-errors';
import { isParseError, upstreamTimeoutError } from './upstream-error';

export interface ForwarderOptions {
  logger: Logger;
  metrics: EdgeMetrics;
  now: () => number;
  /** Time a node has to send its response headers. */
  upstreamTimeoutMs: number;
  /** Sets X-Forwarded-* and strips what a client forged (--trusted-proxy). */
  forwarding: Forwarding;
  /** Where a node's framing faults are counted and logged. */
  protocolErrors: ProtocolErrors;
}

export interface Forwarder {
  /**
   * Sends one attempt of the request to the node and reports its outcome to the attempt's owner only:
   * answered (response headers in), failed (nothing came back in time, or an error), answerClosed.
   */
  forward(req: IncomingMessage, res: ServerResponse, target: NodeTarget, attempt: Attempt): void;
}

/** Carries the attempt through http-proxy-3's per-request options to its proxyReq event, and on to the answer. */
const ATTEMPT = Symbol('cdn.attempt');
type AttemptRequest = ClientRequest & { [ATTEMPT]?: Attempt };
type AttemptOptions = ServerOptions & { [ATTEMPT]?: Attempt };
/** Set on a client request once its forwarding headers are rewritten: a retry or a second fetch must not append again. */
const FORWARDED = Symbol('cdn.forwarded');
type ForwardedRequest = IncomingMessage & { [FORWARDED]?: true };

const ignore = () => undefined;

/**
 * A node's interim answer, for the attempt whose request it answers. Node emits 'information' on the request,
 * not on the connection, so it is one listener per request; a shared function, so it allocates nothing.
 */
function onInformation(this: AttemptRequest, info: InformationEvent): void {
  const attempt = this[ATTEMPT];
  // 100 Continue: the edge's listener answered the client's Expect itself, and the node was not asked.
  if (attempt === undefined || attempt.settled || info.statusCode === 100) return;
  attempt.owner.interim(attempt, info);
}

/** The JSON "Forwarding ..." line's own fields: the node, and the request id the node is sent. */
function forwardingFields(nodeId: string, requestId: string | string[] | undefined): string {
  return `"node":${JSON.stringify(nodeId)},"request_id":${typeof requestId === 'string' ? JSON.stringify(requestId) : 'null'}`;
}

/** Forwards over http-proxy-3: bodies are piped both ways with back-pressure, never buffered. */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const { logger, metrics, upstreamTimeoutMs, protocolErrors } = options;
  const requestLog = requestLogOf(logger);
  // The edge writes every answer itself (relay, cache fills, stale answers), so http-proxy-3 hands it the response.
  // Host is the node's own (changeOrigin); X-Forwarded-* are the edge's (options.forwarding), not http-proxy-3's
  // xfwd, which keeps a client's X-Forwarded-Host and appends to its X-Forwarded-Proto.
  const proxy = createProxyServer({ changeOrigin: true, xfwd: false, selfHandleResponse: true });

  /** Ends the attempt once and tells its owner; the node's request is abandoned. */
  function fail(attempt: Attempt, err: unknown): void {
    if (attempt.settled) return afterSettled(attempt, err);
    attempt.settled = true;
    clearTimeout(attempt.timer);
    attempt.upstream?.destroy();
    attempt.owner.failed(attempt, err);
  }

  /**
   * An error once the attempt is settled is nobody's to answer; a parse error after the node's answer began is
   * the node breaking that answer's framing. Node's client has already closed the connection; an answer that
   * was complete reached its client whole, as framed, but is not stored.
   */
  function afterSettled(attempt: Attempt, err: unknown): void {
    const proxyRes = attempt.answer;
    if (!proxyRes || !isParseError(err)) return;
    const { method, path } = attempt.owner;
    if (!proxyRes.complete) return protocolErrors.report(attempt.nodeId, 'malformed_body', `${method} ${path} was cut off and the connection closed`);
    markOverrun(proxyRes);
    protocolErrors.report(attempt.nodeId, 'excess_bytes', `${method} ${path} got the answer up to its end, not stored; the connection was closed`);
  }

  /** A timer per attempt, not a closure: the attempt is its argument. */
  function timedOut(attempt: Attempt): void {
    if (attempt.settled) return;
    const err = upstreamTimeoutError(upstreamTimeoutMs);
    // Destroying the request makes http-proxy-3 call the attempt's callback with this error.
    if (attempt.upstream) attempt.upstream.destroy(err);
    else fail(attempt, err);
  }

  proxy.on('proxyReq', (proxyReq: ClientRequest, sent: IncomingMessage, _res: ServerResponse, requestOptions: ServerOptions, socket: Socket) => {
    const attempt = (requestOptions as AttemptOptions)[ATTEMPT];
    if (!attempt) return;
    (proxyReq as AttemptRequest)[ATTEMPT] = attempt;
    attempt.upstream = proxyReq;
    carriesRequestTo(socket, attempt.nodeId);
    proxyReq.on('information', onInformation);
    // Set on the node's request, not on the client's headers: adding a field to those makes every later copy of them slow.
    const requestId = attempt.owner.requestId;
    if (requestId !== undefined && requestId !== sent.headers['x-request-id']) proxyReq.setHeader('x-request-id', requestId);
    if (attempt.settled) proxyReq.destroy();
  });

  proxy.on('proxyRes', (proxyRes: IncomingMessage, _req: IncomingMessage, res: ServerResponse) => {
    const attempt = (proxyRes as IncomingMessage & { req?: AttemptRequest }).req?.[ATTEMPT];
    if (!attempt) return;
    // An answer to an attempt given up on (a retry is under way) is nobody's.
    if (attempt.settled) return void proxyRes.destroy();
    attempt.settled = true;
    attempt.answer = proxyRes;
    clearTimeout(attempt.timer);
    attempt.responseTime = options.now();
    // A node that dies mid-body must not leave the client waiting for bytes that never come.
    proxyRes.on('error', ignore);
    proxyRes.on('close', () => {
      if (!proxyRes.complete && !res.destroyed) res.destroy();
      attempt.owner.answerClosed(attempt);
    });
    attempt.owner.answered(attempt, proxyRes);
  });

  // Every web() call passes its own callback; this only keeps an unexpected emit from crashing the process.
  proxy.on('error', (err: Error) => logger.debug({ err }, 'http-proxy-3 reported an error outside any request'));

  return {
    forward(req, res, target, attempt) {
      const { method, path, headers } = attempt.owner;
      attempt.requestTime = options.now();
      const forwardingLine = `Forwarding ${method} ${path} to ${attempt.nodeId}`;
      if (requestLog.json) requestLog.info(forwardingLine, forwardingFields(attempt.nodeId, attempt.owner.requestId ?? req.headers['x-request-id']));
      else requestLog.info(forwardingLine);
      // The node sees the path after /cdn, joined to its own base path by http-proxy-3.
      req.url = nodePath(path);
      // Node's server already answered "100 Continue"; the node must not wait for a second one.
      delete req.headers.expect;
      stripRequestHopByHop(req.headers);
      if (!(req as ForwardedRequest)[FORWARDED]) {
        (req as ForwardedRequest)[FORWARDED] = true;
        if (options.forwarding.rewrite(req.headers, req.socket.remoteAddress, req.socket.localPort)) {
          metrics.forgedForwardingHeaders.inc();
          logger.debug(`Dropped the forwarding headers (X-Forwarded-*, Forwarded, X-Real-IP) that ${req.socket.remoteAddress} sent with ${method} ${path}: not a --trusted-proxy`);
        }
      }
      attempt.timer = setTimeout(timedOut, upstreamTimeoutMs, attempt);
      attempt.sentAt = performance.now();
      // http-proxy-3 copies these options for the request anyway; the attempt rides along to the proxyReq event.
      const requestOptions: AttemptOptions = { ...target.proxyOptions, buffer: attempt.body, headers, [ATTEMPT]: attempt };
      // No agent: a connection of its own, closed after the answer (http-proxy-3 sends Connection: close).
      if (attempt.fresh) requestOptions.agent = false;
      // The callback replaces http-proxy-3's 'error' event for this attempt only: a late error of an
      // attempt already given up on must not fail the next one.
      proxy.web(req, res, requestOptions, (err: Error) => fail(attempt, err));
    },
  };
}
