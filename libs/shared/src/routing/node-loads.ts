import { z } from 'zod';
import type { Broadcast } from './broadcast';

/** The NATS subject (and in-process channel) the control plane broadcasts live node loads on. */
export const NODE_LOADS_SUBJECT = 'cdn.nodes.load';

/**
 * Live load per node id: requests in flight reported by every edge plus the load the node reports in
 * its heartbeat. Telemetry, not configuration: it travels beside the routing table, not in it.
 */
export interface NodeLoads {
  loads: Record<string, number>;
  at: number;
}

export const nodeLoadsSchema: z.ZodType<NodeLoads> = z.object({
  loads: z.record(z.string(), z.number().nonnegative()),
  at: z.number().finite(),
});

export type NodeLoadBus = Broadcast<NodeLoads>;
