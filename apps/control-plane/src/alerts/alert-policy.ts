/**
 * Which alerts go out: a delay before a down alert, de-duplication and flap damping, as a pure state
 * machine of (events, clock). Delivery (webhooks, retries) is alert-delivery.ts; wiring and the timer
 * that fires due alerts are alerts.service.ts.
 */

export type AlertEventName = 'node_down' | 'node_up' | 'all_nodes_down' | 'all_nodes_recovered' | 'edge_lost' | 'flapping';
export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface Alert {
  event: AlertEventName;
  node?: string;
  edge?: string;
  reason: string;
  /** Milliseconds since the epoch: when the condition began (a delayed down alert keeps the time the node went down). */
  time: number;
  severity: AlertSeverity;
}

export type AlertDecision =
  | { action: 'send'; alert: Alert }
  | { action: 'suppress'; alert: Alert; why: 'duplicate' | 'flapping' }
  /** Waits for the down delay; sent by a later sweep() if the condition still holds at `dueAt`. */
  | { action: 'defer'; alert: Alert; dueAt: number }
  /** A deferred alert dropped: its condition ended before it was due (`why` says how, e.g. "active again after 2 s"). */
  | { action: 'cancel'; alert: Alert; why: string };

export interface FlapSettings {
  /** Changes counted over this window... */
  windowMs: number;
  /** ...more than this many of them hold the node. */
  maxChanges: number;
  /** A held node is released once it has not changed for this long. */
  quietMs: number;
}

export const DEFAULT_FLAP_SETTINGS: FlapSettings = { windowMs: 5 * 60_000, maxChanges: 4, quietMs: 5 * 60_000 };

export interface AlertPolicyOptions {
  /** --alert-delay: how long a node stays out of rotation, or no node is active, before its alert goes out; 0 sends at once. */
  downDelayMs?: number;
  flap?: FlapSettings;
}

const SEVERITY: Record<AlertEventName, AlertSeverity> = {
  node_down: 'warning',
  node_up: 'info',
  all_nodes_down: 'critical',
  all_nodes_recovered: 'info',
  edge_lost: 'warning',
  flapping: 'warning',
};

/** How a node's status looks to an operator: down (inactive, suspect), up (active), or neither (draining: their own doing). */
export type NodeCondition = 'down' | 'up' | 'neutral';

interface NodeAlertState {
  /** Condition of the last alert sent (or presumed: a node starts up). */
  announced: 'down' | 'up';
  /** The latest condition and its reason, to announce when a delay or a hold ends. */
  current: NodeCondition;
  currentReason: string;
  /** When the node last went down, while it stays down (suspect and inactive alike). */
  downSince?: number;
  changes: number[];
  held: boolean;
  lastChange: number;
}

interface AllDownState {
  since: number;
  total: number;
  announced: boolean;
}

/** Pure apart from its own memory; every method takes the time. */
export class AlertPolicy {
  private readonly nodes = new Map<string, NodeAlertState>();
  private allDown: AllDownState | undefined;
  private readonly lostEdges = new Set<string>();
  private readonly downDelayMs: number;
  private readonly flap: FlapSettings;

  constructor(options: AlertPolicyOptions = {}) {
    this.downDelayMs = options.downDelayMs ?? 0;
    // NaN would silently hold every down alert forever.
    if (!Number.isFinite(this.downDelayMs) || this.downDelayMs < 0) throw new RangeError(`the alert delay must be a number of milliseconds >= 0, got ${options.downDelayMs}`);
    this.flap = options.flap ?? DEFAULT_FLAP_SETTINGS;
  }

  /** A node's status changed to one of this condition. */
  nodeChanged(node: string, condition: NodeCondition, reason: string, now: number): AlertDecision[] {
    const state = this.nodes.get(node) ?? { announced: 'up', current: 'up', currentReason: '', changes: [], held: false, lastChange: now };
    const pending = this.pendingDown(node, state);
    state.changes = [...state.changes.filter((t) => now - t < this.flap.windowMs), now];
    state.lastChange = now;
    state.current = condition;
    state.currentReason = reason;
    state.downSince = condition === 'down' ? (state.downSince ?? now) : undefined;
    this.nodes.set(node, state);

    if (condition === 'neutral') return pending ? [cancel(pending.alert, 'drained by an operator', now)] : [];
    const alert = condition === 'down' ? this.alert('node_down', { node }, reason, state.downSince!) : this.alert('node_up', { node }, reason, now);
    if (state.held) return [{ action: 'suppress', alert, why: 'flapping' }];
    if (state.changes.length > this.flap.maxChanges) {
      state.held = true;
      const changes = state.changes.length;
      const flapping = this.alert('flapping', { node }, `changed state ${changes} times in ${this.flap.windowMs / 60_000} minutes; alerts for it are held until it is stable for ${this.flap.quietMs / 60_000} minutes (now: ${reason})`, now);
      return [{ action: 'send', alert: flapping }, { action: 'suppress', alert, why: 'flapping' }];
    }
    if (pending) {
      // Back before its node_down was due: nothing was announced, so there is no recovery to announce.
      if (condition === 'up') return [cancel(pending.alert, 'active again', now)];
      // Still out (e.g. suspect, then inactive): the alert, when due, carries the newer reason.
      return [];
    }
    if (state.announced === condition) return [{ action: 'suppress', alert, why: 'duplicate' }];
    if (condition === 'down' && this.downDelayMs > 0) return [{ action: 'defer', alert, dueAt: state.downSince! + this.downDelayMs }];
    state.announced = condition;
    return [{ action: 'send', alert }];
  }

  /**
   * Takes a node's condition as already announced, without sending anything: a replica that becomes the
   * leader starts from what the previous leader will have announced, not from "every node up".
   */
  presume(node: string, condition: NodeCondition, since: number): void {
    const announced = condition === 'down' ? 'down' : 'up';
    this.nodes.set(node, { announced, current: condition, currentReason: '', ...(condition === 'down' ? { downSince: since } : {}), changes: [], held: false, lastChange: since });
  }

  /** Takes "no node is active" as already announced (or its end), for the same reason. */
  presumeActiveCount(active: number, total: number, since: number): void {
    this.allDown = total > 0 && active === 0 ? { since, total, announced: true } : undefined;
  }

  /** After any change: whether no node is active while some exist. */
  activeCountChanged(active: number, total: number, now: number): AlertDecision[] {
    const down = total > 0 && active === 0;
    const state = this.allDown;
    if (down) {
      if (state) {
        state.total = total;
        return [];
      }
      this.allDown = { since: now, total, announced: this.downDelayMs === 0 };
      const alert = this.allDownAlert(this.allDown);
      return this.downDelayMs === 0 ? [{ action: 'send', alert }] : [{ action: 'defer', alert, dueAt: now + this.downDelayMs }];
    }
    if (!state) return [];
    this.allDown = undefined;
    if (!state.announced) return [cancel(this.allDownAlert(state), total === 0 ? 'no node registered' : 'a node active again', now)];
    return [{ action: 'send', alert: this.alert('all_nodes_recovered', {}, `${active} of ${total} node${total === 1 ? '' : 's'} active again`, now) }];
  }

  edgeLost(edge: string, reason: string, now: number): AlertDecision[] {
    const alert = this.alert('edge_lost', { edge }, reason, now);
    if (this.lostEdges.has(edge)) return [{ action: 'suppress', alert, why: 'duplicate' }];
    this.lostEdges.add(edge);
    return [{ action: 'send', alert }];
  }

  /** The edge reports again: a later loss is news. */
  edgeBack(edge: string): void {
    this.lostEdges.delete(edge);
  }

  /** Forgets the node; a node_down still waiting is dropped. */
  nodeRemoved(node: string, now: number): AlertDecision[] {
    const state = this.nodes.get(node);
    this.nodes.delete(node);
    const pending = state && this.pendingDown(node, state);
    return pending ? [cancel(pending.alert, 'deregistered', now)] : [];
  }

  /**
   * The periodic step: releases held nodes that stayed put for the quiet period (announcing where they
   * ended up when that differs from the last alert), and sends the down alerts whose delay is over.
   */
  sweep(now: number): AlertDecision[] {
    const decisions: AlertDecision[] = [];
    for (const [node, state] of this.nodes) {
      if (state.held && now - state.lastChange >= this.flap.quietMs) decisions.push(...this.release(node, state, now));
      const pending = this.pendingDown(node, state);
      if (pending && now >= pending.dueAt) {
        state.announced = 'down';
        decisions.push({ action: 'send', alert: pending.alert });
      }
    }
    const all = this.allDown;
    if (all && !all.announced && now >= all.since + this.downDelayMs) {
      all.announced = true;
      decisions.push({ action: 'send', alert: this.allDownAlert(all) });
    }
    return decisions;
  }

  /** The earliest time sweep() has a deferred alert to send, if any (flap holds end on the periodic sweep). */
  nextDue(): number | undefined {
    const due: number[] = [];
    for (const [node, state] of this.nodes) {
      const pending = this.pendingDown(node, state);
      if (pending) due.push(pending.dueAt);
    }
    if (this.allDown && !this.allDown.announced) due.push(this.allDown.since + this.downDelayMs);
    return due.length > 0 ? Math.min(...due) : undefined;
  }

  isHeld(node: string): boolean {
    return this.nodes.get(node)?.held ?? false;
  }

  /** Ends a flap hold; a node that ended down and is due is announced now, one not yet due stays pending. */
  private release(node: string, state: NodeAlertState, now: number): AlertDecision[] {
    state.held = false;
    state.changes = [];
    if (state.current === 'up' && state.announced === 'down') {
      state.announced = 'up';
      return [{ action: 'send', alert: this.alert('node_up', { node }, this.afterFlapping(state), now) }];
    }
    if (state.current === 'down' && state.announced === 'up' && now >= state.downSince! + this.downDelayMs) {
      state.announced = 'down';
      return [{ action: 'send', alert: this.alert('node_down', { node }, this.afterFlapping(state), now) }];
    }
    return [];
  }

  /** The node_down waiting for the delay: the node is down, not announced, and not held for flapping. */
  private pendingDown(node: string, state: NodeAlertState): { alert: Alert; dueAt: number } | undefined {
    if (state.current !== 'down' || state.announced === 'down' || state.held || state.downSince === undefined) return undefined;
    return { alert: this.alert('node_down', { node }, state.currentReason, state.downSince), dueAt: state.downSince + this.downDelayMs };
  }

  private afterFlapping(state: NodeAlertState): string {
    return `stable for ${this.flap.quietMs / 60_000} minutes after flapping: ${state.currentReason}`;
  }

  private allDownAlert(state: AllDownState): Alert {
    return this.alert('all_nodes_down', {}, `no active node among ${state.total} registered`, state.since);
  }

  private alert(event: AlertEventName, subject: { node?: string; edge?: string }, reason: string, time: number): Alert {
    return { event, ...subject, reason, time, severity: SEVERITY[event] };
  }
}

/** A deferred alert dropped: `how` the condition ended, and how long it had lasted. */
function cancel(alert: Alert, how: string, now: number): AlertDecision {
  return { action: 'cancel', alert, why: `${how} after ${Math.max(0, Math.round((now - alert.time) / 1000))} s` };
}

/** The webhook body: `{event, node | edge, reason, time (ISO), severity}`. */
export function alertPayload(alert: Alert): Record<string, string> {
  return {
    event: alert.event,
    ...(alert.node !== undefined ? { node: alert.node } : {}),
    ...(alert.edge !== undefined ? { edge: alert.edge } : {}),
    reason: alert.reason,
    time: new Date(alert.time).toISOString(),
    severity: alert.severity,
  };
}
