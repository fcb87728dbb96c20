import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { NODE_LOADS_SUBJECT, NodeLoadBus, nodeLoadsSchema } from '../routing/node-loads';
import { createNatsBroadcast } from './nats-broadcast';

/** Live node loads over core NATS, from the control plane to every edge (least-load and bounded-load hashing). */
export function createNatsNodeLoadBus(options: { nc: NatsConnection; logger: Logger }): NodeLoadBus {
  return createNatsBroadcast({ ...options, subject: NODE_LOADS_SUBJECT, schema: nodeLoadsSchema, what: 'node load update' });
}
