/** Periods of the control plane's background work; tests shorten them instead of waiting. */
export interface Timings {
  /**
   * How often changes that may wait (heartbeat times, loads, health) are written to the nodes file, and
   * how often a failed save is retried. A restart within this window sees older heartbeat times at worst.
   */
  stateSnapshotMs: number;
  /** How long after its first send a cache command is sent again to the edges that have not answered (then ever less often). */
  cacheResendMs: number;
}

export const DEFAULT_TIMINGS: Timings = { stateSnapshotMs: 5_000, cacheResendMs: 3_000 };
