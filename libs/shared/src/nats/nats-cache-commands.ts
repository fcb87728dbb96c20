import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { CACHE_COMMANDS_SUBJECT, CacheCommandBus, cacheCommandSchema } from '../cache/cache-commands';
import { createNatsBroadcast } from './nats-broadcast';

/**
 * Cache commands over core NATS: every edge gets every purge, warm and invalidation. An edge that is
 * disconnected misses commands meanwhile, which the operation's missing receipt makes visible.
 */
export function createNatsCacheCommandBus(options: { nc: NatsConnection; logger: Logger }): CacheCommandBus {
  return createNatsBroadcast({ ...options, subject: CACHE_COMMANDS_SUBJECT, schema: cacheCommandSchema, what: 'cache command' });
}
