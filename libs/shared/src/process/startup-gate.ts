import type http from 'node:http';
import { errorBody } from '../errors';

/** Requests that arrive before the handler is ready wait this long, then get 503 not_ready. */
const DEFAULT_WAIT_MS = 10_000;

/**
 * The request listener of a server that takes its port before its handler is built (so that a port in
 * use stops a start before anything touches saved state). Requests that arrive meanwhile wait for the
 * handler, up to a limit, so that a client that connects as soon as the port opens is still served.
 */
export class StartupGate {
  private handler: http.RequestListener | undefined;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly waitMs = DEFAULT_WAIT_MS) {}

  readonly listener: http.RequestListener = (req, res) => {
    if (this.handler) return this.handler(req, res);
    const serve = () => {
      clearTimeout(timer);
      this.waiting.delete(serve);
      this.handler!(req, res);
    };
    const timer = setTimeout(() => {
      this.waiting.delete(serve);
      const body = JSON.stringify(errorBody('not_ready', 'The server is still starting; try again shortly.'));
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': '1' });
      res.end(body);
    }, this.waitMs);
    this.waiting.add(serve);
  };

  /** Serves every waiting and later request with `handler`. */
  open(handler: http.RequestListener): void {
    this.handler = handler;
    for (const serve of [...this.waiting]) serve();
  }
}
