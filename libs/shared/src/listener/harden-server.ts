import http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { answerClientError, answerInFlight, clientErrorCode, closeReasonOf, type CloseReason } from './client-error';
import { type Admission, ConnectionLimit } from './connection-limit';
import type { ListenerLimits } from './listener-limits';
import type { ListenerMetrics } from './listener-metrics';

/** At most one warning per this period while a listener is full; the metrics count every connection. */
const LIMIT_WARNING_MS = 10_000;

export interface HardenOptions {
  limits: ListenerLimits;
  logger: Logger;
  /** Counts closes and reads open connections; by default nothing is counted. */
  metrics?: ListenerMetrics;
  /** The listener's name in logs and metric labels; default `client`. */
  listener?: string;
  /** The classes requests and responses are made with (an edge's count their body bytes); Node's own by default. */
  messages?: { IncomingMessage: typeof http.IncomingMessage; ServerResponse: typeof http.ServerResponse };
}

/**
 * The options only http.createServer takes. There is no whole-request deadline (requestTimeout 0), so
 * that uploads of any size stream through; stalled bodies are caught by the idle timeout instead.
 */
export function serverOptions(limits: ListenerLimits): http.ServerOptions {
  return {
    requestTimeout: 0,
    headersTimeout: limits.headerTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderSize,
    // Node looks for late headers on this period (30 s by default): a quarter of the timeout keeps it within 25 %.
    connectionsCheckingInterval: Math.min(1_000, Math.max(100, limits.headerTimeoutMs / 4)),
  };
}

/** An HTTP server with the listener limits in force: the one way every program makes its listeners. */
export function createHardenedServer(handler: http.RequestListener, options: HardenOptions): http.Server {
  const server = http.createServer({ ...serverOptions(options.limits), ...options.messages }, handler);
  hardenServer(server, options);
  return server;
}

/**
 * Puts the limits on a server made with serverOptions(): slow and silent clients are timed out, the
 * number of connections is bounded, and requests Node's parser refuses get the catalogue's JSON.
 *
 * - Headers: Node's headersTimeout, from the connection or a request's first byte to the end of its head.
 * - Idle: the socket timeout (server.timeout). Any byte read restarts it, and so does any progress of
 *   the kernel in taking an answer being written, so a slow reader that keeps reading is not cut; a client
 *   that stops reading, or stops sending its body, is. Progress is only visible each time the kernel's
 *   send buffer drains by a third, so the timeout must exceed that buffer's worth at the slowest rate served.
 * - Keep-alive: Node's keepAliveTimeout between requests.
 */
export function hardenServer(server: http.Server, options: HardenOptions): void {
  const { limits, logger, metrics } = options;
  const listener = options.listener ?? 'client';
  server.headersTimeout = limits.headerTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.requestTimeout = 0;
  server.timeout = limits.idleTimeoutMs;
  const closed = (reason: CloseReason) => metrics?.closed(listener, reason);

  const connections = new ConnectionLimit(limits.maxConnections);
  metrics?.watch(listener, limits.maxConnections, () => connections.size);
  const warnFull = fullListenerWarning(logger, listener, limits.maxConnections);
  server.on('connection', (socket: Socket) => {
    const admission = connections.admit(socket);
    if (admission === 'accepted') return;
    closed(admission === 'refused' ? 'connection_limit' : 'evicted_silent');
    warnFull(admission);
  });

  server.on('timeout', (socket: Socket) => {
    // Between requests: no answer in flight, but one was written before (a silent new socket has written nothing).
    const reason: CloseReason = answerInFlight(socket) === undefined && socket.bytesWritten > 0 ? 'keepalive_timeout' : 'idle_timeout';
    closed(reason);
    if (reason === 'idle_timeout') logger.debug(`Closed an idle ${listener} connection from ${socket.remoteAddress}: nothing moved for ${limits.idleTimeoutMs / 1000} s (--idle-timeout)`);
    socket.destroy();
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const code = clientErrorCode(err.code);
    const reason = closeReasonOf(code);
    if (reason) {
      closed(reason);
      logger.debug(`Closed a ${listener} connection from ${socket.remoteAddress}: ${reason} (${err.code ?? err.message})`);
    }
    answerClientError(socket, code);
  });

  // Not a forward proxy: a CONNECT tunnel gets a 405 answer instead of a silent close.
  server.on('connect', (_req: http.IncomingMessage, socket: Socket) => answerClientError(socket, 'method_not_allowed'));

  logger.info(
    `Limits of the ${listener} listener: request heads within ${limits.headerTimeoutMs / 1000} s and ${limits.maxHeaderSize} bytes, ` +
      `idle connections closed after ${limits.idleTimeoutMs / 1000} s (${limits.keepAliveTimeoutMs / 1000} s between requests), ` +
      `at most ${limits.maxConnections} connections (${limits.maxConnectionsFrom})`,
  );
}

/** Logs that the listener is full at most once per LIMIT_WARNING_MS, with what was closed meanwhile. */
function fullListenerWarning(logger: Logger, listener: string, max: number): (admission: Exclude<Admission, 'accepted'>) => void {
  let last = -Infinity;
  let refused = 0;
  let evicted = 0;
  return (admission) => {
    if (admission === 'refused') refused++;
    else evicted++;
    const now = Date.now();
    if (now - last < LIMIT_WARNING_MS) return;
    last = now;
    logger.warn(
      `The ${listener} listener is full (${max} connections, --max-connections): ${refused} new connections closed, ` +
        `${evicted} silent ones closed to make room, since the last warning`,
    );
    refused = 0;
    evicted = 0;
  };
}
