import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Broadcast } from '../routing/broadcast';
import { describeIssues } from '../routing/describe-issues';
import { withTimeout } from './nats-routing-bucket';

/** Longest wait for the last messages to leave on close (none leave while disconnected). */
const CLOSE_FLUSH_TIMEOUT_MS = 1_000;

export interface NatsBroadcastOptions<T> {
  nc: NatsConnection;
  logger: Logger;
  subject: string;
  /** Every received message is checked; what fails is dropped with a WARNING. */
  schema: z.ZodType<T>;
  /** What a message is called in log lines ("cache command"). */
  what: string;
}

/**
 * A broadcast over core NATS: plain JSON on one subject, no queue group, so every subscriber gets every
 * message. At most once: a subscriber that is disconnected misses what is sent meanwhile.
 */
export function createNatsBroadcast<T>(options: NatsBroadcastOptions<T>): Broadcast<T> {
  const { nc, logger, subject, schema, what } = options;
  const subscriptions = new Set<Subscription>();

  function parse(text: string): T | undefined {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      logger.warn(`Dropped a ${what} that is not JSON: ${text.slice(0, 200)}`);
      return undefined;
    }
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    logger.warn(`Dropped a malformed ${what}: ${describeIssues(result.error)}`);
    return undefined;
  }

  return {
    publish: (message) => {
      try {
        nc.publish(subject, JSON.stringify(message));
      } catch (err) {
        logger.warn({ err }, `dropped ${what}: ${(err as Error).message}`);
      }
    },
    subscribe: (handler) => {
      const sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) {
            logger.warn({ err }, `${what} subscription error: ${err.message}`);
            return;
          }
          const message = parse(msg.string());
          if (message === undefined) return;
          try {
            handler(message);
          } catch (handlerErr) {
            // One failing handler must not end the subscription (nats.js would close it on a throw).
            logger.error({ err: handlerErr }, `${what} handler failed`);
          }
        },
      });
      subscriptions.add(sub);
      return () => {
        subscriptions.delete(sub);
        if (!sub.isClosed()) sub.unsubscribe();
      };
    },
    // The connection belongs to the caller; flush so messages published just before shutdown still leave.
    close: async () => {
      for (const sub of subscriptions) if (!sub.isClosed()) sub.unsubscribe();
      subscriptions.clear();
      if (nc.isClosed()) return;
      await withTimeout(nc.flush(), `flush ${what}s`, CLOSE_FLUSH_TIMEOUT_MS).catch(() => undefined);
    },
  };
}
