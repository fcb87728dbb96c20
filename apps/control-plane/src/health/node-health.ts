/**
 * The health model, as pure functions of (health, input, settings): no timers, sockets or clocks.
 * A node's status follows from four kinds of facts — heartbeats, active probes, what edges see
 * (passive), and an operator's drain — with drain first, then heartbeats and probes, then edges.
 * The sentences that explain a status are node-health-reasons.ts's.
 */
import type { NodeStatus } from '@cdn/shared';
import { DRAINED_REASON, heartbeatReason, healthyReason, passiveReason, probeFailureReason, suspicionReason } from './node-health-reasons';

/** Transitions kept per node for `GET /nodes/<id>`. */
export const MAX_TRANSITIONS = 20;

export interface HealthSettings {
  /** --node-timeout, seconds. */
  nodeTimeout: number;
  /** --healthy-threshold: consecutive successful probes that bring a node back. */
  healthyThreshold: number;
  /** --unhealthy-threshold: consecutive failed probes that take it out. */
  unhealthyThreshold: number;
}

export interface ProbeRecord {
  /** Hysteresis: 'down' once `unhealthyThreshold` probes failed in a row, 'up' again after `healthyThreshold` successes. */
  verdict: 'up' | 'down';
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** "HTTP 200 in 3 ms", "ECONNREFUSED", "timeout after 2 s"; undefined before the first probe. */
  lastResult?: string;
  lastAt?: number;
  /** The errors of the current run of failures, oldest first (for the explanation). */
  recentErrors: string[];
}

export interface PassiveRecord {
  /** Live edges whose latest report is evidence the node fails (see passive-signals.ts). */
  edgesReportingErrors: number;
  edgesLive: number;
  lastError?: string;
}

/**
 * Edges agreed the node fails. Kept after their reports stop saying so — edges send a suspect node
 * nothing, so their silence proves nothing — until `healthyThreshold` probes in a row succeed after
 * the edges' last evidence: a suspect node comes back only when edges and probes agree.
 */
export interface Suspicion {
  /** The edges' last error, for the explanation once their reports no longer carry it. */
  lastError?: string;
  /** Successful probes in a row since the edges last reported errors. */
  confirmations: number;
}

export interface Transition {
  at: number;
  from: NodeStatus;
  to: NodeStatus;
  reason: string;
}

export interface NodeHealth {
  status: NodeStatus;
  /** When `status` began. */
  since: number;
  /** Why, as of the last transition. */
  reason: string;
  /** An operator drained the node. */
  drained: boolean;
  /** No heartbeat for --node-timeout; cleared by the next heartbeat. */
  heartbeatLate: boolean;
  probe: ProbeRecord;
  passive: PassiveRecord;
  /** Set while edges' evidence holds the node out of rotation. */
  suspicion?: Suspicion;
  /** Newest last, at most MAX_TRANSITIONS. */
  transitions: Transition[];
}

export type HealthInput =
  | { kind: 'heartbeat'; at: number }
  /** The periodic check of heartbeat age. */
  | { kind: 'heartbeat-check'; at: number }
  | { kind: 'probe'; at: number; ok: boolean; result: string }
  | { kind: 'passive'; at: number; passive: PassiveRecord }
  | { kind: 'drain'; at: number; drained: boolean };

export interface HealthStep {
  health: NodeHealth;
  /** Failures to add to fail_count (a failed probe, a heartbeat timeout). */
  failures: number;
  transition?: Transition;
}

/** A freshly registered node: active, nothing known against it (or as saved: drained, or inactive until its next heartbeat). */
export function initialHealth(at: number, options: { drained?: boolean; heartbeatLate?: boolean } = {}): NodeHealth {
  const drained = options.drained ?? false;
  const heartbeatLate = options.heartbeatLate ?? false;
  const [status, reason]: [NodeStatus, string] = drained
    ? ['draining', DRAINED_REASON]
    : heartbeatLate
      ? ['inactive', 'inactive when the control plane last stopped']
      : ['active', 'registered'];
  return {
    status,
    since: at,
    reason,
    drained,
    heartbeatLate,
    probe: { verdict: 'up', consecutiveFailures: 0, consecutiveSuccesses: 0, recentErrors: [] },
    passive: { edgesReportingErrors: 0, edgesLive: 0 },
    transitions: [],
  };
}

/** Edges agree a node fails: more than half of the live edges, and at least one. */
export function passiveSuspect(passive: PassiveRecord): boolean {
  return passive.edgesReportingErrors >= 1 && passive.edgesReportingErrors * 2 > passive.edgesLive;
}

/** Applies one fact and re-derives the status; `lastHeartbeat` is the node's as it is now (its age is checked, and explained). */
export function applyHealthInput(health: NodeHealth, input: HealthInput, settings: HealthSettings, lastHeartbeat: number): HealthStep {
  let next: NodeHealth = health;
  let failures = 0;
  switch (input.kind) {
    case 'heartbeat':
      next = { ...health, heartbeatLate: false };
      lastHeartbeat = input.at;
      break;
    case 'heartbeat-check':
      if (!health.heartbeatLate && input.at - lastHeartbeat >= settings.nodeTimeout * 1000) {
        next = { ...health, heartbeatLate: true };
        failures = 1;
      }
      break;
    case 'probe':
      next = { ...health, probe: applyProbe(health.probe, input, settings) };
      if (!input.ok) failures = 1;
      break;
    case 'passive':
      next = { ...health, passive: input.passive };
      break;
    case 'drain':
      next = { ...health, drained: input.drained };
      break;
  }
  next = withSuspicion(next, nextSuspicion(next, input, settings));
  const { status, reason } = decide(next, input.at, lastHeartbeat, settings);
  if (status === next.status) return { health: next, failures };
  const transition: Transition = { at: input.at, from: next.status, to: status, reason };
  const transitions = [...next.transitions, transition].slice(-MAX_TRANSITIONS);
  return { health: { ...next, status, since: input.at, reason, transitions }, failures, transition };
}

function applyProbe(probe: ProbeRecord, input: { at: number; ok: boolean; result: string }, settings: HealthSettings): ProbeRecord {
  if (input.ok) {
    const consecutiveSuccesses = probe.consecutiveSuccesses + 1;
    const verdict = probe.verdict === 'down' && consecutiveSuccesses < settings.healthyThreshold ? 'down' : 'up';
    return { verdict, consecutiveFailures: 0, consecutiveSuccesses, lastResult: input.result, lastAt: input.at, recentErrors: [] };
  }
  const consecutiveFailures = probe.consecutiveFailures + 1;
  const verdict = consecutiveFailures >= settings.unhealthyThreshold ? 'down' : probe.verdict;
  const recentErrors = [...probe.recentErrors, input.result].slice(-5);
  return { verdict, consecutiveFailures, consecutiveSuccesses: 0, lastResult: input.result, lastAt: input.at, recentErrors };
}

/** Edges' evidence (re)starts the suspicion; only probes after it end it. */
function nextSuspicion(health: NodeHealth, input: HealthInput, settings: HealthSettings): Suspicion | undefined {
  const current = health.suspicion;
  if (passiveSuspect(health.passive)) {
    const lastError = health.passive.lastError ?? current?.lastError;
    return { confirmations: 0, ...(lastError !== undefined ? { lastError } : {}) };
  }
  if (current === undefined || input.kind !== 'probe') return current;
  if (!input.ok) return { ...current, confirmations: 0 };
  const confirmations = current.confirmations + 1;
  return confirmations >= settings.healthyThreshold ? undefined : { ...current, confirmations };
}

function withSuspicion(health: NodeHealth, suspicion: Suspicion | undefined): NodeHealth {
  if (suspicion === undefined) {
    if (health.suspicion === undefined) return health;
    const { suspicion: _cleared, ...rest } = health;
    return rest;
  }
  return { ...health, suspicion };
}

/** The status these facts give, and the sentence that explains it (never one that contradicts the status). */
export function decide(health: NodeHealth, now: number, lastHeartbeat: number, settings: HealthSettings): { status: NodeStatus; reason: string } {
  if (health.drained) return { status: 'draining', reason: DRAINED_REASON };
  if (health.heartbeatLate) return { status: 'inactive', reason: heartbeatReason(lastHeartbeat, now) };
  if (health.probe.verdict === 'down') return { status: 'inactive', reason: probeFailureReason(health.probe, settings) };
  if (passiveSuspect(health.passive)) return { status: 'suspect', reason: passiveReason(health.passive) };
  if (health.suspicion) return { status: 'suspect', reason: suspicionReason(health.suspicion, health.probe, settings) };
  return { status: 'active', reason: healthyReason(health, now, lastHeartbeat, settings) };
}

/** The explanation as of now (ages and counts move on after the transition). */
export function explain(health: NodeHealth, now: number, lastHeartbeat: number, settings: HealthSettings): string {
  return decide(health, now, lastHeartbeat, settings).reason;
}
