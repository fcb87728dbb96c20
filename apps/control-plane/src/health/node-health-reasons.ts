/**
 * The sentences that explain a node's status (GET /nodes/<id>, transition logs, alert reasons).
 * Each is chosen by decide() for one status and must never read as another: an active node whose
 * last probe failed does not say "healthy".
 */
import type { HealthSettings, NodeHealth, PassiveRecord, ProbeRecord, Suspicion } from './node-health';

export const DRAINED_REASON = 'drained by an operator';

export function ageSeconds(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / 1000));
}

export function heartbeatReason(lastHeartbeat: number, now: number): string {
  return `no heartbeat for ${ageSeconds(lastHeartbeat, now)} s`;
}

/** Inactive by probes: the failures, or the successes so far on the way back. */
export function probeFailureReason(probe: ProbeRecord, settings: HealthSettings): string {
  const last = probe.lastAt === undefined ? '' : `, last at ${new Date(probe.lastAt).toISOString()}`;
  if (probe.consecutiveFailures === 0) {
    const n = probe.consecutiveSuccesses;
    return `recovering from probe failures: ${n} successful probe${plural(n)} so far (${probe.lastResult ?? 'none'})${last}`;
  }
  const n = probe.consecutiveFailures;
  const failures = `${n} probe failure${plural(n)}: ${distinct(probe.recentErrors)}${last}`;
  // Under the threshold, those failures alone would not have taken it out: it is still on its way back.
  if (n < settings.unhealthyThreshold) return `${failures}; still out until ${settings.healthyThreshold} probes in a row succeed`;
  return failures;
}

/** Suspect: most live edges' latest reports are evidence against it. */
export function passiveReason(passive: PassiveRecord): string {
  return `${edgeCount(passive)} report errors${passive.lastError ? ` (${passive.lastError})` : ''}`;
}

/** Suspect, held after the edges' evidence until probes confirm the node. */
export function suspicionReason(suspicion: Suspicion, probe: ProbeRecord, settings: HealthSettings): string {
  const needed = settings.healthyThreshold;
  const lastFailed = probe.consecutiveFailures > 0 ? ` (last probe ${probe.lastResult})` : '';
  return (
    `edges reported errors${suspicion.lastError ? ` (${suspicion.lastError})` : ''}; ` +
    `waiting for ${needed} successful probe${plural(needed)} in a row, ${suspicion.confirmations} so far${lastFailed}`
  );
}

/** Active: "healthy" only when nothing speaks against the node; otherwise what does, and how far it is from the threshold. */
export function healthyReason(health: NodeHealth, now: number, lastHeartbeat: number, settings: HealthSettings): string {
  const { probe, passive } = health;
  const heartbeat = `heartbeat ${ageSeconds(lastHeartbeat, now)} s ago`;
  const against: string[] = [];
  if (probe.consecutiveFailures > 0) {
    const n = probe.consecutiveFailures;
    against.push(`${n} failed probe${plural(n)} (${distinct(probe.recentErrors)}), inactive at ${settings.unhealthyThreshold} in a row`);
  }
  if (passive.edgesReportingErrors > 0) against.push(`${edgeCount(passive)} report errors${passive.lastError ? ` (${passive.lastError})` : ''}, not a majority`);
  if (against.length > 0) return `active: ${[...against, heartbeat].join('; ')}`;
  const probed = probe.lastResult === undefined ? 'not probed yet' : `probe ${probe.lastResult}`;
  return `healthy: ${probed}, ${heartbeat}`;
}

function edgeCount(passive: PassiveRecord): string {
  return `${passive.edgesReportingErrors} of ${passive.edgesLive} edge${plural(passive.edgesLive)}`;
}

function distinct(errors: readonly string[]): string {
  return [...new Set(errors)].join(', ');
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
