import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

/** Pause between reconnect attempts: short enough that a restarted server is found within a second or two. */
const RECONNECT_WAIT_MS = 500;

/**
 * Connects with unlimited reconnects (waitOnFirstConnect too, so it keeps trying while the server is down);
 * logs disconnect/reconnect with the server address at WARNING/INFO. Resolves on the first successful connection.
 */
export async function connectNats(options: { servers: string /* comma-separated */; name: string; logger: Logger }): Promise<NatsConnection> {
  const { logger, name } = options;
  const servers = options.servers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  logger.info({ servers }, `connecting to NATS at ${servers.join(',')}`);
  const nc = await connect({
    servers,
    name,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: RECONNECT_WAIT_MS,
  });
  logger.info({ server: nc.getServer() }, `connected to NATS at ${nc.getServer()}`);
  void logStatus(nc, logger);
  return nc;
}

/** Follows the connection's status until it closes; the client reconnects by itself, we only say so. */
async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) {
    switch (status.type) {
      case 'disconnect':
        logger.warn({ server: status.server }, `disconnected from NATS at ${status.server}; reconnecting`);
        break;
      case 'reconnect':
        logger.info({ server: status.server }, `reconnected to NATS at ${status.server}`);
        break;
      case 'error':
        logger.warn({ err: status.error }, `NATS error: ${status.error.message}`);
        break;
      default:
        break;
    }
  }
}
