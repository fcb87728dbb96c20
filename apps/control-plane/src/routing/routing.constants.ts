/** How often the whole routing bucket is compared with what the control plane wrote, besides every change it sees (ms). */
export const ROUTING_RECONCILE_INTERVAL = Symbol('ROUTING_RECONCILE_INTERVAL');

/**
 * Default of ROUTING_RECONCILE_INTERVAL. Every change is checked as it is seen; this pass catches what a lost
 * watch could have missed, and costs one read of the bucket.
 */
export const DEFAULT_RECONCILE_INTERVAL_MS = 30_000;
