import { z } from 'zod';
import { nodeCapacitySchema, nodeIdSchema, nodeLoadSchema, nodeLocationSchema, nodeUrlSchema } from '../node';

export const NODE_STATUSES = ['active', 'suspect', 'inactive', 'draining'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

/**
 * What an edge needs to know of a node to route to it. Published as one key per node. Its fields are
 * registration's own (libs/shared/src/node.ts): a node that could register can always be published.
 */
export const routeNodeSchema = z.object({
  id: nodeIdSchema,
  url: nodeUrlSchema,
  location: nodeLocationSchema,
  capacity: nodeCapacitySchema,
  /**
   * active: takes traffic. suspect: edges agree it fails; used only when nothing else is left.
   * inactive: failed its health checks or heartbeats. draining: no new traffic, by an operator.
   */
  status: z.enum(NODE_STATUSES),
  /** The load the node last reported in its heartbeat. */
  load: nodeLoadSchema,
  /** Where the node is, for nearest-first routing: coordinates in degrees, when registered. */
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
});
export type RouteNode = z.infer<typeof routeNodeSchema>;

/** Settings every edge follows, published under their own keys. */
export const routingSettingsSchema = z.object({
  cacheEnabled: z.boolean(),
});
export type RoutingSettings = z.infer<typeof routingSettingsSchema>;

export const DEFAULT_ROUTING_SETTINGS: RoutingSettings = Object.freeze({ cacheEnabled: true });

/**
 * The whole routing state at one revision. Immutable: an edge swaps it in one step.
 * `revision` grows with every change in the store; edges compare it only to report what they applied.
 */
export interface RoutingTable {
  readonly revision: number;
  readonly nodes: readonly RouteNode[];
  readonly settings: RoutingSettings;
}

export const EMPTY_ROUTING_TABLE: RoutingTable = Object.freeze({ revision: 0, nodes: Object.freeze([]), settings: DEFAULT_ROUTING_SETTINGS });

/** Builds an immutable table; nodes sorted by id so equal states look equal. */
export function buildRoutingTable(revision: number, nodes: Iterable<RouteNode>, settings: RoutingSettings): RoutingTable {
  const sorted = [...nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return Object.freeze({ revision, nodes: Object.freeze(sorted.map((n) => Object.freeze({ ...n }))), settings: Object.freeze({ ...settings }) });
}

/** Throws with the offending field when a node is not fit to publish. */
export function checkRouteNode(node: unknown): RouteNode {
  return routeNodeSchema.parse(node);
}

export function checkRoutingSettings(settings: unknown): RoutingSettings {
  return routingSettingsSchema.parse(settings);
}
