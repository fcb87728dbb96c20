import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { redactUrl } from '../logging/redact-url';
import { RepeatLimiter } from '../logging/repeat-limiter';
import { StartupError } from '../process/startup-error';
import { explainNatsFailure, type NatsFailureKind } from './nats-connect-failure';
import { NO_NATS_CREDENTIALS, type NatsCredentials } from './nats-credentials';
import { stableNatsMessage } from './stable-message';

/** Pause between reconnect attempts: short enough that a restarted server is found within a second or two. */
const RECONNECT_WAIT_MS = 500;
/** A refused credential or certificate is tried again this often: the server's side may be fixed meanwhile. */
const REFUSED_RETRY_MS = 5_000;
/** One attempt (TCP, TLS, CONNECT and its PONG) may take this long; nats.js waits 20 s by default. */
const CONNECT_TIMEOUT_MS = 5_000;
/** The same failure is logged again at most this often while it lasts. */
const REPEAT_LOG_MS = 30_000;

/** Problems a connection reports, counted by kind: its own failures, and subjects the server refused. */
export type NatsProblemKind = NatsFailureKind | 'permission';

export interface ConnectNatsOptions {
  /** Comma-separated --nats-url. */
  servers: string;
  name: string;
  logger: Logger;
  /** Identity and TLS from readNatsCredentials; none by default. */
  credentials?: NatsCredentials;
  /**
   * What a refused credential or certificate does to the first connection. 'fail' (the control plane): reject
   * with a StartupError naming the flag, since nothing it publishes could get through. 'retry' (edges, default):
   * log it at ERROR and try again every 5 s; an edge keeps serving meanwhile.
   */
  whenRefused?: 'fail' | 'retry';
  /** Told of every failed attempt and every refused subject (a metric). */
  onProblem?: (kind: NatsProblemKind) => void;
}

/**
 * Connects, and keeps reconnecting for as long as the connection lives. A server that cannot be reached is
 * waited for (WARNING); one that refuses us is an ERROR naming the flag to fix. Resolves on the first
 * successful connection. Secrets are never logged: URLs are redacted and credentials are named by their flags.
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const { logger, name } = options;
  const credentials = options.credentials ?? NO_NATS_CREDENTIALS;
  const onProblem = options.onProblem ?? (() => undefined);
  const servers = options.servers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const where = redactUrl(servers.join(','));
  const repeats = new RepeatLimiter(REPEAT_LOG_MS);
  logger.info({ servers: where }, `connecting to NATS at ${where}${describeCredentials(credentials)}`);
  for (;;) {
    try {
      const nc = await connect({
        servers,
        name,
        ...credentials.connectOptions,
        maxReconnectAttempts: -1,
        // Our loop retries the first connection, so that each failure can be told apart and reported.
        waitOnFirstConnect: false,
        reconnectTimeWait: RECONNECT_WAIT_MS,
        timeout: CONNECT_TIMEOUT_MS,
        // nats.js stops reconnecting after two identical auth errors; a fixed server config must be picked up.
        ignoreAuthErrorAbort: true,
      });
      logger.info({ server: nc.getServer() }, `connected to NATS at ${nc.getServer()}`);
      void followStatus(nc, logger, { where, servers, credentials, onProblem });
      return nc;
    } catch (err) {
      const failure = await explainNatsFailure(err, where, servers, credentials);
      onProblem(failure.kind);
      if (failure.kind !== 'unreachable' && options.whenRefused === 'fail') throw new StartupError(failure.message, { cause: err });
      const waitMs = failure.kind === 'unreachable' ? RECONNECT_WAIT_MS : REFUSED_RETRY_MS;
      const held = repeats.pass(failure.message);
      if (held !== undefined) {
        const line = `${failure.message}; retrying every ${waitMs / 1000} s${held > 0 ? ` (${held} more failures since the last line)` : ''}`;
        if (failure.kind === 'unreachable') logger.warn(line);
        else logger.error(line);
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** " as --nats-user (--nats-password-file), over TLS": which flags are in use, never their values. */
function describeCredentials(credentials: NatsCredentials): string {
  const parts = [credentials.authFlags && `as ${credentials.authFlags}`, credentials.tls && `over TLS${credentials.tlsCertFlags ? ' with a client certificate' : ''}`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Follows the connection's status until it closes; the client reconnects by itself, we only say so. */
async function followStatus(
  nc: NatsConnection,
  logger: Logger,
  context: { where: string; servers: readonly string[]; credentials: NatsCredentials; onProblem: (kind: NatsProblemKind) => void },
): Promise<void> {
  const repeats = new RepeatLimiter(REPEAT_LOG_MS);
  const once = (text: string, log: (line: string) => void) => {
    const line = stableNatsMessage(text);
    const held = repeats.pass(line);
    if (held !== undefined) log(held > 0 ? `${line} (${held} more since the last line)` : line);
  };
  for await (const status of nc.status()) {
    switch (status.type) {
      case 'disconnect':
        logger.warn({ server: status.server }, `disconnected from NATS at ${status.server}; reconnecting`);
        break;
      case 'reconnect':
        repeats.reset();
        logger.info({ server: status.server }, `reconnected to NATS at ${status.server}`);
        break;
      case 'error': {
        const err = status.error as Error & { operation?: string; subject?: string };
        if (err.name === 'PermissionViolationError') {
          context.onProblem('permission');
          // Permissions are per user: the fix is on the server, in the user's allow lists.
          once(`NATS refused to let ${context.credentials.authFlags ? 'this user' : 'this client'} ${err.operation ?? 'use'} ${err.subject ?? 'a subject'} (${err.message}); allow it in the user's permissions on the server (see the README's NATS permissions example)`, (line) => logger.error(line));
          break;
        }
        const failure = await explainNatsFailure(err, context.where, context.servers, context.credentials);
        if (failure.kind === 'unreachable') {
          logger.warn({ err }, `NATS error: ${err.message}`);
          break;
        }
        context.onProblem(failure.kind);
        once(`${failure.message}; reconnecting`, (line) => logger.error(line));
        break;
      }
      default:
        break;
    }
  }
}
