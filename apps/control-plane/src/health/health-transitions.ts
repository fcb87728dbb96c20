/**
 * The health decisions, as pure functions of (node, clock, timeout): the timer that applies them
 * lives in health.service.ts. Later probes and outlier detection add inputs here, not timers.
 */

/** What the health decisions look at. */
export interface HealthFacts {
  isActive: boolean;
  /** Milliseconds since the epoch. */
  lastHeartbeat: number;
  failCount: number;
}

export interface BecameInactive {
  to: 'inactive';
  /** Whole seconds since the last heartbeat, for the log line. */
  silentSeconds: number;
  failCount: number;
}

/** An active node silent for `timeoutSeconds` or more becomes inactive, and its failure is counted. */
export function checkHeartbeatTimeout(node: HealthFacts, now: number, timeoutSeconds: number): BecameInactive | undefined {
  if (!node.isActive) return undefined;
  const silentMs = now - node.lastHeartbeat;
  if (silentMs < timeoutSeconds * 1000) return undefined;
  return { to: 'inactive', silentSeconds: Math.floor(silentMs / 1000), failCount: node.failCount + 1 };
}

/** A heartbeat (or a registration, which counts as one) makes a node active as of now. */
export function applyHeartbeat<T extends HealthFacts>(node: T, now: number): { node: T; revived: boolean } {
  return { node: { ...node, isActive: true, lastHeartbeat: now }, revived: !node.isActive };
}
