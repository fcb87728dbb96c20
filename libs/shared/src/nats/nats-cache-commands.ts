import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { CACHE_COMMANDS_SUBJECT, CacheCommand, CacheCommandBus, cacheCommandSchema, describeIssues } from '../cache/cache-commands';
import { withTimeout } from './nats-routing-bucket';

/** Longest wait for the last commands to leave on close (none leave while disconnected). */
const CLOSE_FLUSH_TIMEOUT_MS = 1_000;

/**
 * Cache commands over core NATS: plain JSON on CACHE_COMMANDS_SUBJECT, no queue group, so every
 * subscriber (every edge) gets every command. At most once: an edge that is disconnected misses
 * commands meanwhile, which the operation's missing receipt makes visible.
 */
export function createNatsCacheCommandBus(options: { nc: NatsConnection; logger: Logger }): CacheCommandBus {
  const { nc, logger } = options;
  const subscriptions = new Set<Subscription>();

  return {
    publish: (command) => {
      try {
        nc.publish(CACHE_COMMANDS_SUBJECT, JSON.stringify(command));
      } catch (err) {
        // Closed connection: a command is not worth failing the caller for; the operation stays pending.
        logger.warn({ err, type: command.type }, `dropped cache command ${command.type}: ${(err as Error).message}`);
      }
    },
    subscribe: (handler) => {
      const sub = nc.subscribe(CACHE_COMMANDS_SUBJECT, {
        callback: (err, msg) => {
          if (err) {
            logger.warn({ err }, `cache command subscription error: ${err.message}`);
            return;
          }
          const command = parseCommand(msg.string(), logger);
          if (!command) return;
          try {
            handler(command);
          } catch (handlerErr) {
            // One failing handler must not end the subscription (nats.js would close it on a throw).
            logger.error({ err: handlerErr }, `cache command handler failed on ${command.type}`);
          }
        },
      });
      subscriptions.add(sub);
      return () => {
        subscriptions.delete(sub);
        if (!sub.isClosed()) sub.unsubscribe();
      };
    },
    // The connection belongs to the caller; flush so commands published just before shutdown still leave.
    close: async () => {
      for (const sub of subscriptions) if (!sub.isClosed()) sub.unsubscribe();
      subscriptions.clear();
      if (nc.isClosed()) return;
      await withTimeout(nc.flush(), 'flush cache commands', CLOSE_FLUSH_TIMEOUT_MS).catch(() => undefined);
    },
  };
}

function parseCommand(text: string, logger: Logger): CacheCommand | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    logger.warn(`Dropped a cache command that is not JSON: ${text.slice(0, 200)}`);
    return undefined;
  }
  const result = cacheCommandSchema.safeParse(data);
  if (result.success) return result.data;
  logger.warn(`Dropped a malformed cache command: ${describeIssues(result.error)}`);
  return undefined;
}
