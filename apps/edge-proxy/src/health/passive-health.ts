import type { EdgeNodeStats } from '@cdn/shared';

export interface PassiveHealthOptions {
  /** Consecutive failures that eject a node from this edge's rotation. */
  failuresToEject?: number;
  /** First ejection length; each further ejection doubles it, up to maxEjectionMs. */
  baseEjectionMs?: number;
  maxEjectionMs?: number;
  /** A node that stays healthy this long after its last ejection starts again from baseEjectionMs. */
  forgiveAfterMs?: number;
}

interface NodeHealth {
  inFlight: number;
  requests: number;
  failures: number;
  consecutiveFailures: number;
  lastError: string | undefined;
  ejectedUntil: number;
  ejections: number;
  lastEjectedAt: number;
}

/** What a failure or ejection means to the caller, so it can log and count it. */
export interface FailureOutcome {
  ejectedForMs: number | undefined;
}

/**
 * This edge's passive view of each node (outlier detection, as Envoy's): connection errors, timeouts and
 * 5xx answers count as failures; enough of them in a row eject the node from this edge's rotation for a
 * back-off that grows on repeat. It also counts requests in flight per node (live load) and the
 * per-interval figures that go to the control plane in each report. Pure apart from the clock it is given.
 */
export class PassiveHealth {
  private readonly nodes = new Map<string, NodeHealth>();
  /** The nodes with requests in flight, and those whose ejection may still run: few, whatever the size of the table, and read per request. */
  private readonly busy = new Map<string, NodeHealth>();
  private readonly ejectedNodes = new Map<string, NodeHealth>();
  private readonly failuresToEject: number;
  private readonly baseEjectionMs: number;
  private readonly maxEjectionMs: number;
  private readonly forgiveAfterMs: number;

  constructor(
    private readonly now: () => number,
    options: PassiveHealthOptions = {},
  ) {
    this.failuresToEject = options.failuresToEject ?? 3;
    this.baseEjectionMs = options.baseEjectionMs ?? 5_000;
    this.maxEjectionMs = options.maxEjectionMs ?? 60_000;
    this.forgiveAfterMs = options.forgiveAfterMs ?? 300_000;
  }

  private of(nodeId: string): NodeHealth {
    let health = this.nodes.get(nodeId);
    if (!health) {
      health = { inFlight: 0, requests: 0, failures: 0, consecutiveFailures: 0, lastError: undefined, ejectedUntil: 0, ejections: 0, lastEjectedAt: 0 };
      this.nodes.set(nodeId, health);
    }
    return health;
  }

  started(nodeId: string): void {
    const health = this.of(nodeId);
    health.inFlight += 1;
    health.requests += 1;
    if (health.inFlight === 1) this.busy.set(nodeId, health);
  }

  /** The request to the node is over (answered, failed or abandoned). */
  finished(nodeId: string): void {
    const health = this.of(nodeId);
    health.inFlight = Math.max(0, health.inFlight - 1);
    if (health.inFlight === 0) this.busy.delete(nodeId);
  }

  succeeded(nodeId: string): void {
    this.of(nodeId).consecutiveFailures = 0;
  }

  failed(nodeId: string, error: string): FailureOutcome {
    const health = this.of(nodeId);
    const now = this.now();
    health.failures += 1;
    health.consecutiveFailures += 1;
    health.lastError = error;
    if (health.consecutiveFailures < this.failuresToEject || health.ejectedUntil > now) return { ejectedForMs: undefined };
    if (now - health.lastEjectedAt > this.forgiveAfterMs) health.ejections = 0;
    const ejectedForMs = Math.min(this.maxEjectionMs, this.baseEjectionMs * 2 ** health.ejections);
    health.ejections += 1;
    health.lastEjectedAt = now;
    health.ejectedUntil = now + ejectedForMs;
    health.consecutiveFailures = 0;
    this.ejectedNodes.set(nodeId, health);
    return { ejectedForMs };
  }

  inFlight(nodeId: string): number {
    return this.nodes.get(nodeId)?.inFlight ?? 0;
  }

  isEjected(nodeId: string): boolean {
    return (this.nodes.get(nodeId)?.ejectedUntil ?? 0) > this.now();
  }

  /** Ids of the nodes ejected now (empty set most of the time: no allocation then). */
  ejected(): ReadonlySet<string> {
    const now = this.now();
    let out: Set<string> | undefined;
    for (const [id, health] of this.ejectedNodes) {
      if (health.ejectedUntil > now) (out ??= new Set()).add(id);
      else this.ejectedNodes.delete(id);
    }
    return out ?? NONE;
  }

  /** Requests in flight to the nodes of `ids`, summed over the busy nodes only. */
  inFlightAmong(ids: ReadonlySet<string>): number {
    let total = 0;
    for (const [id, health] of this.busy) if (ids.has(id)) total += health.inFlight;
    return total;
  }

  /** The figures since the last call, for the edge's report; counters restart at zero. */
  takeStats(): Record<string, EdgeNodeStats> {
    const now = this.now();
    const stats: [string, EdgeNodeStats][] = [];
    for (const [id, health] of this.nodes) {
      const entry: EdgeNodeStats = { inFlight: health.inFlight, requests: health.requests, failures: health.failures, ejected: health.ejectedUntil > now };
      if (health.lastError !== undefined && health.failures > 0) entry.lastError = health.lastError;
      stats.push([id, entry]);
      health.requests = 0;
      health.failures = 0;
    }
    // Object.fromEntries defines every id as an own property, whatever its name.
    return Object.fromEntries(stats);
  }

  /** Forgets nodes that left the routing table. */
  retain(nodeIds: ReadonlySet<string>): void {
    for (const map of [this.nodes, this.busy, this.ejectedNodes]) for (const id of map.keys()) if (!nodeIds.has(id)) map.delete(id);
  }
}

const NONE: ReadonlySet<string> = new Set();
