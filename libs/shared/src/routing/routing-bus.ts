import { z } from 'zod';
import { NODE_ID_PATTERN, nodeIdSchema } from '../node';
import type { CacheReceipt } from '../cache/cache-commands';
import { type EdgeTrafficReport, edgeTrafficReportSchema } from './edge-traffic';
import type { RouteNode, RoutingSettings, RoutingTable } from './routing-table';

/** A node that a write left out because it fails the routing schema; `reason` names the fields. */
export interface RefusedNode {
  id: string;
  reason: string;
}

/** What a write did: every entry went out but the refused ones, which are withdrawn (never half a table, never none). */
export interface PublishResult {
  refused: RefusedNode[];
}

/** An entry the store held that this store did not write there, and how it was put right. */
export interface RoutingCorrection {
  key: string;
  /** The store's revision of the foreign entry (or of the delete that removed ours). */
  revision: number;
  /** removed: a key we do not hold; restored: our value written back over another; rewritten: our key, deleted by another, written again. */
  action: 'removed' | 'restored' | 'rewritten';
}

/** An entry as a reader of the store sees it, before any check: nothing in it is trusted. */
export interface SeenRoutingEntry {
  key: string;
  revision: number;
  operation: 'PUT' | 'DEL' | 'PURGE';
  /** The value as written (PUT); empty otherwise. */
  value: string;
}

/** An entry a reader ignored because it fails the routing schema. */
export interface RejectedRoutingEntry {
  key: string;
  revision: number;
  reason: string;
}

/**
 * The control plane's side of the routing state: it writes whole, checked entries, entry by entry, so that one
 * entry that fails the routing schema is left out (and reported) without holding back the others.
 */
export interface RoutingStore {
  putNode(node: RouteNode): Promise<PublishResult>;
  deleteNode(id: string): Promise<void>;
  putSettings(settings: RoutingSettings): Promise<void>;
  /** Makes the store hold exactly these nodes and settings (at start-up, and after the store was unreachable). */
  replaceAll(nodes: readonly RouteNode[], settings: RoutingSettings): Promise<PublishResult>;
  /**
   * True when `entry` is what this store last wrote under its key, or when it cannot tell (before the first
   * replaceAll, after a failed write). No I/O: a reader calls it for every entry it sees.
   */
  wrote(entry: SeenRoutingEntry): boolean;
  /**
   * Puts back what this store last wrote wherever the store holds something else: keys it does not hold are
   * removed, changed or deleted values written again. Only `keys` when given, else every key. Resolves the
   * corrections made (none while it cannot tell what it wrote).
   */
  reconcile(keys?: readonly string[]): Promise<RoutingCorrection[]>;
  close(): Promise<void>;
}

/** Optional listeners of a routing source; each is told of every entry it concerns, no-ops by default. */
export interface RoutingSourceHooks {
  /** Every entry read from the store, as it arrives (the control plane checks it against what it wrote). */
  onEntry?(entry: SeenRoutingEntry): void;
  /** An entry that failed the routing schema and was ignored; once per key and revision. */
  onRejected?(entry: RejectedRoutingEntry): void;
}

/** A reader of the routing state: the whole table first, then a new table after every change. */
export interface RoutingSource {
  /** Resolves once the first table has been delivered to `onTable`. */
  start(onTable: (table: RoutingTable) => void, hooks?: RoutingSourceHooks): Promise<void>;
  /** The last table delivered, or undefined before the first. */
  current(): RoutingTable | undefined;
  close(): Promise<void>;
}

/** What an edge tells the control plane about itself, periodically and after every applied table. */
export interface EdgeReport {
  edgeId: string;
  /** Revision of the routing table the edge serves with. */
  revision: number;
  /**
   * Where that table came from: `live` from the routing bucket, or `saved` by an earlier run in the edge's
   * --state-dir, served until the bucket can be read. Absent from edges that predate it: they only serve live tables.
   */
  table?: 'live' | 'saved';
  /** With `table: "saved"`: when the saved table was written, in ms since the epoch by the edge's clock. */
  tableSavedAt?: number;
  /** Milliseconds since the epoch, by the edge's clock. */
  reportedAt: number;
  startedAt: number;
  /** Where clients reach this edge, when it knows. */
  address?: string;
  /** What this edge saw of each node since its last report (passive health and live load). */
  nodes?: Record<string, EdgeNodeStats>;
  /** Client traffic since the previous report (GET /stats). Absent from edges that predate it. */
  traffic?: EdgeTrafficReport;
}

/** One edge's view of one node over a report interval. */
export interface EdgeNodeStats {
  /** Requests to the node in flight now. */
  inFlight: number;
  /** Requests sent and failed (connection error, timeout, 5xx) since the last report. */
  requests: number;
  failures: number;
  /** The last failure, e.g. "ECONNREFUSED" or "HTTP 503". */
  lastError?: string;
  /** True while the edge keeps the node out of its own rotation (passive ejection). */
  ejected: boolean;
}

/** Reports arrive from the network: every receiver checks them with this before use. */
export const edgeReportSchema: z.ZodType<EdgeReport> = z.object({
  edgeId: z.string().regex(NODE_ID_PATTERN),
  revision: z.number().int().nonnegative(),
  table: z.enum(['live', 'saved']).optional(),
  tableSavedAt: z.number().finite().optional(),
  reportedAt: z.number().finite(),
  startedAt: z.number().finite(),
  address: z.string().max(512).optional(),
  nodes: z
    .record(
      nodeIdSchema,
      z.object({
        inFlight: z.number().finite().nonnegative(),
        requests: z.number().finite().nonnegative(),
        failures: z.number().finite().nonnegative(),
        lastError: z.string().max(200).optional(),
        ejected: z.boolean(),
      }),
    )
    .optional(),
  // Traffic that fails its schema (say, another version's latency buckets) is dropped, never the report with it:
  // the report is also what keeps the edge known as live.
  traffic: edgeTrafficReportSchema.optional().catch(undefined),
});

/** Subjects (NATS) or event names (in-process) of messages from edges to the control plane. */
export const EDGE_EVENTS = {
  report: 'cdn.edge.report',
  /** An edge's answer to a cache purge or warm. */
  receipt: 'cdn.cache.receipt',
} as const;

export interface EdgeEventMap {
  [EDGE_EVENTS.report]: EdgeReport;
  [EDGE_EVENTS.receipt]: CacheReceipt;
}

export type EdgeEventName = keyof EdgeEventMap;

/** How an edge sends events to the control plane. Fire and forget: never blocks or throws. */
export interface EdgeEventPublisher {
  publish<E extends EdgeEventName>(event: E, data: EdgeEventMap[E]): void;
  close(): Promise<void>;
}
