import { z } from 'zod';
import { NODE_ID_PATTERN, nodeIdSchema } from '../node';
import type { CacheReceipt } from '../cache/cache-commands';
import type { RouteNode, RoutingSettings, RoutingTable } from './routing-table';

/** The control plane's side of the routing state: it writes whole, checked entries. */
export interface RoutingStore {
  putNode(node: RouteNode): Promise<void>;
  deleteNode(id: string): Promise<void>;
  putSettings(settings: RoutingSettings): Promise<void>;
  /** Makes the store hold exactly these nodes and settings (at start-up, and after the store was unreachable). */
  replaceAll(nodes: readonly RouteNode[], settings: RoutingSettings): Promise<void>;
  close(): Promise<void>;
}

/** A reader of the routing state: the whole table first, then a new table after every change. */
export interface RoutingSource {
  /** Resolves once the first table has been delivered to `onTable`. */
  start(onTable: (table: RoutingTable) => void): Promise<void>;
  /** The last table delivered, or undefined before the first. */
  current(): RoutingTable | undefined;
  close(): Promise<void>;
}

/** What an edge tells the control plane about itself, periodically and after every applied table. */
export interface EdgeReport {
  edgeId: string;
  /** Revision of the routing table the edge serves with. */
  revision: number;
  /** Milliseconds since the epoch, by the edge's clock. */
  reportedAt: number;
  startedAt: number;
  /** Where clients reach this edge, when it knows. */
  address?: string;
  /** What this edge saw of each node since its last report (passive health and live load). */
  nodes?: Record<string, EdgeNodeStats>;
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
