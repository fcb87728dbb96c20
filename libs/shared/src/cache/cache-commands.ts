import type { Broadcast } from '../routing/broadcast';
import { z } from 'zod';

/** The NATS subject (and in-process channel) every cache command is broadcast on. */
export const CACHE_COMMANDS_SUBJECT = 'cdn.cache.commands';

/** What the control plane (purge, warm) or an edge (invalidate) tells every edge to do with its cache. */
export type CacheCommand =
  | {
      type: 'purge';
      operationId: string;
      urls: string[];
      prefixes: string[];
      tags: string[];
      soft: boolean;
      /** The one edge that also purges the shared (Redis) tier; null when no edge is live. */
      sharedTierBy: string | null;
      issuedAt: number;
      /** Only these edges carry it out (a re-send to those that have not answered); absent: every edge. */
      edges?: string[];
    }
  | { type: 'warm'; operationId: string; urls: string[]; issuedAt: number; edges?: string[] }
  /** From an edge that saw a successful unsafe request: every edge drops these primary keys (client targets /cdn/...). */
  | { type: 'invalidate'; targets: string[]; fromEdge: string; issuedAt: number }
  /**
   * From the edge that purged the shared tier, once it is done: every edge purges its memory again, since
   * an edge may have refilled it from the shared tier before that tier was purged. No receipt.
   */
  | { type: 'sweep'; operationId: string; urls: string[]; prefixes: string[]; tags: string[]; soft: boolean; fromEdge: string; issuedAt: number };

/**
 * An edge's answer to a purge or warm, sent as the EDGE_EVENTS.receipt edge event. The control plane sends
 * a command again until every edge has answered (or is lost), so an edge answers every copy it gets; it
 * carries each operation out once and answers later copies with the same receipt.
 */
export interface CacheReceipt {
  operationId: string;
  edgeId: string;
  /** false when the edge could not carry it out at all. */
  applied: boolean;
  /** Entries purged / URLs warmed into the cache. */
  entriesAffected: number;
  /** e.g. "shared tier unavailable: ...", "GET /cdn/x: node answered 500". */
  errors: string[];
  finishedAt: number;
}

const strings = z.array(z.string());
const timestamp = z.number().finite();

/** Checks a cache command from the network; every receiver drops (and logs) what fails it. */
export const cacheCommandSchema: z.ZodType<CacheCommand> = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('purge'),
    operationId: z.string().min(1),
    urls: strings,
    prefixes: strings,
    tags: strings,
    soft: z.boolean(),
    sharedTierBy: z.string().nullable(),
    issuedAt: timestamp,
    edges: strings.optional(),
  }),
  z.object({ type: z.literal('warm'), operationId: z.string().min(1), urls: strings, issuedAt: timestamp, edges: strings.optional() }),
  z.object({ type: z.literal('invalidate'), targets: strings, fromEdge: z.string().min(1), issuedAt: timestamp }),
  z.object({
    type: z.literal('sweep'),
    operationId: z.string().min(1),
    urls: strings,
    prefixes: strings,
    tags: strings,
    soft: z.boolean(),
    fromEdge: z.string().min(1),
    issuedAt: timestamp,
  }),
]);

/** Checks a receipt from the network. */
export const cacheReceiptSchema: z.ZodType<CacheReceipt> = z.object({
  operationId: z.string().min(1),
  edgeId: z.string().min(1),
  applied: z.boolean(),
  entriesAffected: z.number().int().nonnegative(),
  errors: strings,
  finishedAt: timestamp,
});

/** Broadcast of cache commands: the control plane publishes purge/warm; edges publish invalidate; every edge subscribes. */
export type CacheCommandBus = Broadcast<CacheCommand>;

