import type { IncomingMessage, InformationEvent, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { ErrorCode, Logger, RouteNode } from '@cdn/shared';
import type { PassiveHealth } from '../health/passive-health';
import type { RetryBudget } from '../health/retry-budget';
import type { EdgeMetrics } from '../observability/edge-metrics';
import type { RoutingState } from '../routing/routing-state';
import { Attempt, AttemptOwner, AttemptTimes } from './attempt';
import { DispatchHooks, sendUpstreamError } from './dispatch-hooks';
import type { Exchange } from './exchange';
import type { Forwarder } from './forwarder';
import { interimHead, MAX_INTERIM_PER_REQUEST, relayInterim } from './interim';
import type { ProtocolErrors } from './protocol-errors';
import { relay, relayHeaders } from './relay';
import { BodyKind, readAll } from './replayable-body';
import { clientErrorFor, isParseError, upstreamErrorCode } from './upstream-error';

/** Methods whose request may be sent twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Errors raised before any byte of the request left: retrying cannot apply a request twice. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** Answers that mean "another node might do": retried for idempotent requests before anything reached the client. */
const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** What every dispatch of one dispatcher shares. */
export interface DispatchContext {
  forwarder: Forwarder;
  health: PassiveHealth;
  budget: RetryBudget;
  /** Further nodes tried after the first fails (--retries). */
  retries: number;
  /** The targeted cache-control field meant for this CDN alone (--cache-control-target), never relayed to clients. */
  edgeOnlyField: string | undefined;
  metrics: EdgeMetrics;
  logger: Logger;
  protocolErrors: ProtocolErrors;
  /** A node for the request, other than those tried. */
  pick(state: RoutingState, req: IncomingMessage, key: string, tried: ReadonlySet<string> | undefined): RouteNode | undefined;
}

/**
 * One request's way to an answer: its attempts, one after another on different nodes, each counted in
 * passive health; the outcome goes to the hooks once. Without hooks (a client's plain forward) the answer
 * is relayed and a failure answered with the JSON error.
 */
export class Dispatch implements AttemptOwner, DispatchHooks {
  private attempts = 0;
  private current: Attempt | undefined;
  /** Nodes that failed this request; made on the first retry only. */
  private tried: Set<string> | undefined;
  private replay: Buffer | undefined;
  /** Interim answers passed on so far, across attempts (MAX_INTERIM_PER_REQUEST). */
  private interims = 0;
  private readonly hooks: DispatchHooks;

  constructor(
    private readonly ctx: DispatchContext,
    private readonly req: IncomingMessage,
    /** The client's response, or a stand-in when no client waits. */
    private readonly res: ServerResponse,
    /** The client's exchange (its access line); none when no client waits. */
    private readonly exchange: Exchange | undefined,
    readonly method: string,
    readonly path: string,
    readonly headers: Record<string, string> | undefined,
    readonly requestId: string | undefined,
    private readonly state: RoutingState,
    /** The balancing key (the cache's primary key). */
    private readonly key: string,
    /** Only the first node is tried (cache warming keeps to each node's queue). */
    private readonly pinned: boolean,
    private readonly body: BodyKind,
    hooks: DispatchHooks | undefined,
  ) {
    this.hooks = hooks ?? this;
  }

  /** Sends the first attempt to `nodeId`, once a small body is read (a retry replays it). */
  start(nodeId: string): void {
    // A client that leaves ends the request to the node too (http-proxy-3 destroys it); its timer has nothing left to time.
    if (this.exchange) this.res.once('close', () => this.clientClosed());
    if (this.body !== 'small') return this.send(nodeId);
    // Read first, so that a retry can send it again; bounded by REPLAYABLE_BODY_BYTES.
    readAll(this.req).then(
      (buffer) => {
        this.replay = buffer;
        this.send(nodeId);
      },
      () => this.res.destroy(),
    );
  }

  answered(attempt: Attempt, proxyRes: IncomingMessage): void {
    const nodeId = attempt.nodeId;
    const status = proxyRes.statusCode ?? 502;
    this.ctx.metrics.upstream.answered(nodeId, status, (performance.now() - attempt.sentAt) / 1000);
    if (status >= 500) this.noteFailure(nodeId, `HTTP ${status}`);
    else this.ctx.health.succeeded(nodeId);
    if (RETRYABLE_STATUS.has(status) && this.retry(`HTTP ${status}`, status)) return void proxyRes.resume();
    this.hooks.onAnswer(proxyRes, attempt);
  }

  interim(attempt: Attempt, info: InformationEvent): void {
    const status = info.statusCode;
    this.ctx.metrics.interimResponses.inc({ status: status === 102 || status === 103 ? String(status) : '1xx' });
    const source = `${status} from ${attempt.nodeId} for ${this.method} ${this.path}`;
    if (++this.interims > MAX_INTERIM_PER_REQUEST) return this.ctx.logger.debug(`Dropped ${source}: over ${MAX_INTERIM_PER_REQUEST} interim answers`);
    const head = interimHead(info);
    // A client's own request: its client. A shared fetch: the clients following it (none for a refresh or a warm fetch).
    const clients = this.exchange ? Number(relayInterim(this.req, this.res, head)) : (this.hooks.onInterim?.(head) ?? 0);
    if (clients === 0) this.ctx.logger.debug(`Dropped ${source}: no HTTP/1.1 client waits for its answer's headers`);
    else this.ctx.logger.debug(`Passed ${source} on to ${clients} client(s)`);
  }

  failed(attempt: Attempt, err: unknown): void {
    const { method, path, ctx } = this;
    const nodeId = attempt.nodeId;
    this.finish(attempt);
    if (this.exchange && (this.res.destroyed || this.req.socket.destroyed)) {
      // The client left first; its departure is what broke the forward, not the node.
      ctx.logger.debug(`Client went away during ${method} ${path} to ${nodeId}`);
      return;
    }
    // Bytes an earlier answer left on a reused connection: not this request's fault, nor a sign the node is down.
    const earlierAnswer = !attempt.fresh && attempt.upstream?.reusedSocket === true && isParseError(err);
    if (earlierAnswer && this.sendAgainFresh(attempt)) return;
    const code = upstreamErrorCode(err);
    ctx.metrics.upstream.failed(nodeId, code);
    const failure = `Failed to forward request ${method} ${path} to ${nodeId}: ${code}`;
    if (!earlierAnswer) this.noteFailure(nodeId, code);
    if (this.retry(code, undefined)) {
      ctx.logger.warn({ err, node: nodeId, method, path, code }, `${failure}; retrying on another node`);
      return;
    }
    ctx.logger.error({ err, node: nodeId, method, path, code }, failure);
    this.hooks.onFailure(clientErrorFor(code), nodeId);
  }

  answerClosed(attempt: Attempt): void {
    this.finish(attempt);
  }

  /** Default for a client: its answer is the node's, as it is. */
  onAnswer(proxyRes: IncomingMessage, times: AttemptTimes): void {
    const exchange = this.exchange!;
    relay(proxyRes, this.res, relayHeaders(proxyRes, exchange.cache, times.nodeId, exchange.requestId, this.ctx.edgeOnlyField));
  }

  /** Default for a client: the catalogue's JSON error. */
  onFailure(error: ErrorCode, nodeId: string | undefined): void {
    sendUpstreamError(this.res, error, nodeId);
  }

  private send(nodeId: string, fresh = false): void {
    this.attempts += 1;
    // The client's body went with the first attempt: a retry replays the copy kept, or sends none.
    const body = this.replay ? Readable.from([this.replay]) : this.attempts > 1 ? Readable.from([]) : undefined;
    const attempt = new Attempt(nodeId, this, body, fresh);
    this.current = attempt;
    this.ctx.health.started(nodeId);
    if (this.exchange) this.exchange.nodeId = nodeId;
    this.ctx.forwarder.forward(this.req, this.res, this.state.targets.get(nodeId)!, attempt);
  }

  /**
   * What a node sent on a reused connection did not parse as an answer: most likely the rest of an earlier answer
   * longer than its framing said. The request goes again, once, to the same node on a new connection, where the
   * method allows it; the retry budget does not count it (each such connection costs one retry at most). True
   * when it was sent again.
   */
  private sendAgainFresh(attempt: Attempt): boolean {
    const { ctx, method, path } = this;
    // The request reached the node: only a method that may be applied twice is sent again.
    const again = IDEMPOTENT.has(method) && this.body !== 'streamed' && !this.res.headersSent;
    ctx.protocolErrors.report(attempt.nodeId, 'garbage_on_reused_connection', again ? `${method} ${path} sent again on a new connection` : `${method} ${path} failed (its method is not sent twice)`);
    if (!again) return false;
    ctx.metrics.retries.inc({ reason: 'garbage_on_reused_connection' });
    this.send(attempt.nodeId, true);
    return true;
  }

  /** Starts another attempt on another node when the failure allows it; true when it did. */
  private retry(code: string, status: number | undefined): boolean {
    const { ctx, method } = this;
    const mayRepeat = IDEMPOTENT.has(method) ? status === undefined || RETRYABLE_STATUS.has(status) : status === undefined && NOT_SENT.has(code);
    if (!mayRepeat || this.pinned || this.attempts > ctx.retries || this.res.headersSent || this.body === 'streamed' || !ctx.budget.tryRetry()) return false;
    const failedNode = this.current!.nodeId;
    this.tried ??= new Set();
    this.tried.add(failedNode);
    const next = ctx.pick(this.state, this.req, this.key, this.tried);
    if (next === undefined) return false;
    const reason = status === undefined ? code : `HTTP ${status}`;
    ctx.metrics.retries.inc({ reason });
    ctx.logger.info(`Retrying ${method} ${this.path} on ${next.id} after ${failedNode} failed: ${reason}`);
    this.send(next.id);
    return true;
  }

  private clientClosed(): void {
    const attempt = this.current;
    if (attempt === undefined) return;
    clearTimeout(attempt.timer);
    this.finish(attempt);
  }

  /** Each attempt leaves the in-flight count once, however it ends. */
  private finish(attempt: Attempt): void {
    if (!attempt.inFlight) return;
    attempt.inFlight = false;
    this.ctx.health.finished(attempt.nodeId);
  }

  private noteFailure(nodeId: string, error: string): void {
    const { ejectedForMs } = this.ctx.health.failed(nodeId, error);
    if (ejectedForMs === undefined) return;
    this.ctx.metrics.ejections.inc();
    this.ctx.logger.warn(`Node ${nodeId} ejected from this edge for ${ejectedForMs / 1000} s after repeated failures (last: ${error})`);
  }
}
