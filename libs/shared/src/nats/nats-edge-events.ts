import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { EdgeEventMap, EdgeEventName, EdgeEventPublisher } from '../routing/routing-bus';
import { withTimeout } from './nats-routing-bucket';

/** Longest wait for the last events to leave on close (none leave while disconnected). */
const CLOSE_FLUSH_TIMEOUT_MS = 1_000;

/**
 * The bytes a NestJS NATS client sends for an event (`ClientNats.emit`): JSON `{pattern, data}` on the subject
 * named by the pattern. A control-plane `@EventPattern(event)` handler (Transport.NATS) receives `data`.
 */
export function encodeNestEvent<E extends EdgeEventName>(event: E, data: EdgeEventMap[E]): string {
  return JSON.stringify({ pattern: event, data });
}

/** Publishes edge events to the control plane over core NATS. Fire and forget: while disconnected the client buffers a little, then events drop. */
export function createNatsEdgeEventPublisher(options: { nc: NatsConnection; logger: Logger }): EdgeEventPublisher {
  const { nc, logger } = options;
  return {
    publish: (event, data) => {
      try {
        nc.publish(event, encodeNestEvent(event, data));
      } catch (err) {
        // Closed connection or unserialisable data: an event is not worth failing the caller for.
        logger.warn({ err, event }, `dropped edge event ${event}: ${(err as Error).message}`);
      }
    },
    // The connection belongs to the caller; flush so events published just before shutdown still leave.
    close: async () => {
      if (nc.isClosed()) return;
      await withTimeout(nc.flush(), 'flush edge events', CLOSE_FLUSH_TIMEOUT_MS).catch(() => undefined);
    },
  };
}
