import type http from 'node:http';
import { errorBody } from '../errors';

/** Requests that arrive before the handler is ready wait this long, then get 503 not_ready. */
const DEFAULT_WAIT_MS = 10_000;

export interface StartupGateOptions {
  /** How long a request waits for the handler before it gets 503 not_ready. */
  waitMs?: number;
  /** Told of every request answered 503 because the start had not finished (a metric). */
  onRefused?: () => void;
  /** Paths served before the start has finished, e.g. `/metrics`. */
  early?: Record<string, http.RequestListener>;
}

/**
 * The request listener of a server that takes its port before its handler is built (so that a port in
 * use stops a start before anything touches saved state). Requests that arrive meanwhile wait for the
 * handler, up to a limit, so that a client that connects as soon as the port opens is still served.
 * `/healthz` answers at once (the process is alive, however long the start takes: a liveness probe
 * must not restart it for waiting on NATS) and `/readyz` answers 503 with what the start waits for.
 */
export class StartupGate {
  private handler: http.RequestListener | undefined;
  private readonly waiting = new Set<() => void>();
  private phase = 'starting';
  private readonly waitMs: number;
  private readonly onRefused: () => void;
  private readonly early: Record<string, http.RequestListener>;

  constructor(options: StartupGateOptions = {}) {
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
    this.onRefused = options.onRefused ?? (() => undefined);
    this.early = options.early ?? {};
  }

  /** What the start is doing now, e.g. "connecting to NATS at nats://…": /readyz and refusals say so. */
  setPhase(phase: string): void {
    this.phase = phase;
  }

  readonly listener: http.RequestListener = (req, res) => {
    if (this.handler) return this.handler(req, res);
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') return send(res, 200, { status: 'ok' });
    if (path === '/readyz') return this.refuse(res);
    if (Object.hasOwn(this.early, path)) return this.early[path](req, res);
    const serve = () => {
      clearTimeout(timer);
      this.waiting.delete(serve);
      this.handler!(req, res);
    };
    const timer = setTimeout(() => {
      this.waiting.delete(serve);
      this.refuse(res);
    }, this.waitMs);
    this.waiting.add(serve);
  };

  /** Serves every waiting and later request with `handler`. */
  open(handler: http.RequestListener): void {
    this.handler = handler;
    for (const serve of [...this.waiting]) serve();
  }

  private refuse(res: http.ServerResponse): void {
    this.onRefused();
    send(res, 503, errorBody('not_ready', `The server is still starting (${this.phase}); try again shortly.`, { reasons: [this.phase] }), { 'retry-after': '1' });
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
