/**
 * The health model, as pure functions of (health, input, settings): no timers, sockets or clocks.
 * A node's status follows from four kinds of facts — heartbeats, active probes, what edges see
 * (passive), and an operator's drain — with drain first, then heartbeats and probes, then edges.
 */
import type { NodeStatus } from '@cdn/shared';

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
  /** Live edges whose latest report shows this node failing at least half of its requests. */
  edgesReportingErrors: number;
  edgesLive: number;
  lastError?: string;
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
  /** Newest last, at most MAX_TRANSITIONS. */
  transitions: Transition[];
}

export type HealthInput =
  | { kind: 'heartbeat'; at: number }
  /** The periodic check of heartbeat age. */
  | { kind: 'heartbeat-check'; at: number; lastHeartbeat: number }
  | { kind: 'probe'; at: number; ok: boolean; result: string }
  | { kind: 'passive'; at: number; passive: PassiveRecord }
  | { kind: 'drain'; at: number; drained: boolean };

export interface HealthStep {
  health: NodeHealth;
  /** Failures to add to fail_count (a failed probe, a heartbeat timeout). */
  failures: number;
  transition?: Transition;
}

/** A freshly registered node: active, nothing known against it. */
export function initialHealth(at: number, options: { drained?: boolean; heartbeatLate?: boolean } = {}): NodeHealth {
  const base: NodeHealth = {
    status: 'active',
    since: at,
    reason: 'registered',
    drained: options.drained ?? false,
    heartbeatLate: options.heartbeatLate ?? false,
    probe: { verdict: 'up', consecutiveFailures: 0, consecutiveSuccesses: 0, recentErrors: [] },
    passive: { edgesReportingErrors: 0, edgesLive: 0 },
    transitions: [],
  };
  const { status, reason } = decide(base, at, at);
  return { ...base, status, reason: status === 'inactive' ? 'inactive when the control plane last stopped' : reason };
}

/** Edges agree a node fails: more than half of the live edges, and at least one. */
export function passiveSuspect(passive: PassiveRecord): boolean {
  return passive.edgesReportingErrors >= 1 && passive.edgesReportingErrors * 2 > passive.edgesLive;
}

/** Applies one fact and re-derives the status; `lastHeartbeat` is the node's, for the explanation. */
export function applyHealthInput(health: NodeHealth, input: HealthInput, settings: HealthSettings, lastHeartbeat: number): HealthStep {
  let next: NodeHealth = health;
  let failures = 0;
  switch (input.kind) {
    case 'heartbeat':
      next = { ...health, heartbeatLate: false };
      lastHeartbeat = input.at;
      break;
    case 'heartbeat-check':
      if (!health.heartbeatLate && input.at - input.lastHeartbeat >= settings.nodeTimeout * 1000) {
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
  const { status, reason } = decide(next, input.at, lastHeartbeat);
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

/** The status these facts give, and the sentence that explains it. */
export function decide(health: NodeHealth, now: number, lastHeartbeat: number): { status: NodeStatus; reason: string } {
  if (health.drained) return { status: 'draining', reason: 'drained by an operator' };
  if (health.heartbeatLate) return { status: 'inactive', reason: `no heartbeat for ${ageSeconds(lastHeartbeat, now)} s` };
  if (health.probe.verdict === 'down') return { status: 'inactive', reason: probeFailureReason(health.probe) };
  if (passiveSuspect(health.passive)) return { status: 'suspect', reason: passiveReason(health.passive) };
  return { status: 'active', reason: healthyReason(health, now, lastHeartbeat) };
}

/** The explanation as of now (ages and counts move on after the transition). */
export function explain(health: NodeHealth, now: number, lastHeartbeat: number): string {
  return decide(health, now, lastHeartbeat).reason;
}

export function ageSeconds(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / 1000));
}

function probeFailureReason(probe: ProbeRecord): string {
  const last = probe.lastAt === undefined ? '' : `, last at ${new Date(probe.lastAt).toISOString()}`;
  if (probe.consecutiveFailures === 0) {
    const n = probe.consecutiveSuccesses;
    return `recovering from probe failures: ${n} successful probe${n === 1 ? '' : 's'} so far (${probe.lastResult ?? 'none'})${last}`;
  }
  const errors = [...new Set(probe.recentErrors)].join(', ');
  return `${probe.consecutiveFailures} probe failure${probe.consecutiveFailures === 1 ? '' : 's'}: ${errors}${last}`;
}

function passiveReason(passive: PassiveRecord): string {
  return `${passive.edgesReportingErrors} of ${passive.edgesLive} edge${passive.edgesLive === 1 ? '' : 's'} report errors${passive.lastError ? ` (${passive.lastError})` : ''}`;
}

function healthyReason(health: NodeHealth, now: number, lastHeartbeat: number): string {
  const probe = health.probe.lastResult === undefined ? 'not probed yet' : `probe ${health.probe.lastResult}`;
  return `healthy: ${probe}, heartbeat ${ageSeconds(lastHeartbeat, now)} s ago`;
}
