/** How often histories of nodes and edges no report named for an hour are dropped. */
export const STATS_SWEEP_INTERVAL_MS = 60_000;
