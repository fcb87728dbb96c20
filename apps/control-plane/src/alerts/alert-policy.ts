/**
 * Which alerts go out: de-duplication and flap damping as a pure state machine of (events, clock).
 * Delivery (webhooks, retries) is alert-delivery.ts; wiring is alerts.service.ts.
 */

export type AlertEventName = 'node_down' | 'node_up' | 'all_nodes_down' | 'all_nodes_recovered' | 'edge_lost' | 'flapping';
export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface Alert {
  event: AlertEventName;
  node?: string;
  edge?: string;
  reason: string;
  /** Milliseconds since the epoch. */
  time: number;
  severity: AlertSeverity;
}

export type AlertDecision = { action: 'send'; alert: Alert } | { action: 'suppress'; alert: Alert; why: 'duplicate' | 'flapping' };

export interface FlapSettings {
  /** Changes counted over this window... */
  windowMs: number;
  /** ...more than this many of them hold the node. */
  maxChanges: number;
  /** A held node is released once it has not changed for this long. */
  quietMs: number;
}

export const DEFAULT_FLAP_SETTINGS: FlapSettings = { windowMs: 5 * 60_000, maxChanges: 4, quietMs: 5 * 60_000 };

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
  /** The latest condition and its reason, to announce when a hold ends. */
  current: NodeCondition;
  currentReason: string;
  changes: number[];
  held: boolean;
  lastChange: number;
}

/** Pure apart from its own memory; every method takes the time. */
export class AlertPolicy {
  private readonly nodes = new Map<string, NodeAlertState>();
  private allDown = false;
  private readonly lostEdges = new Set<string>();

  constructor(private readonly flap: FlapSettings = DEFAULT_FLAP_SETTINGS) {}

  /** A node's status changed to one of this condition. */
  nodeChanged(node: string, condition: NodeCondition, reason: string, now: number): AlertDecision[] {
    const state = this.nodes.get(node) ?? { announced: 'up', current: 'up', currentReason: '', changes: [], held: false, lastChange: now };
    state.changes = [...state.changes.filter((t) => now - t < this.flap.windowMs), now];
    state.lastChange = now;
    state.current = condition;
    state.currentReason = reason;
    this.nodes.set(node, state);

    if (condition === 'neutral') return [];
    const alert = this.alert(condition === 'down' ? 'node_down' : 'node_up', { node }, reason, now);
    if (state.held) return [{ action: 'suppress', alert, why: 'flapping' }];
    if (state.changes.length > this.flap.maxChanges) {
      state.held = true;
      const changes = state.changes.length;
      const flapping = this.alert('flapping', { node }, `changed state ${changes} times in ${this.flap.windowMs / 60_000} minutes; alerts for it are held until it is stable for ${this.flap.quietMs / 60_000} minutes (now: ${reason})`, now);
      return [{ action: 'send', alert: flapping }, { action: 'suppress', alert, why: 'flapping' }];
    }
    if (state.announced === condition) return [{ action: 'suppress', alert, why: 'duplicate' }];
    state.announced = condition;
    return [{ action: 'send', alert }];
  }

  /** After any change: whether no node is active while some exist. */
  activeCountChanged(active: number, total: number, now: number): AlertDecision[] {
    const down = total > 0 && active === 0;
    if (down === this.allDown) return [];
    this.allDown = down;
    const alert = down
      ? this.alert('all_nodes_down', {}, `no active node among ${total} registered`, now)
      : this.alert('all_nodes_recovered', {}, `${active} of ${total} node${total === 1 ? '' : 's'} active again`, now);
    return [{ action: 'send', alert }];
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

  nodeRemoved(node: string): void {
    this.nodes.delete(node);
  }

  /** Releases held nodes that stayed put for the quiet period, announcing where they ended up when that differs from the last alert. */
  release(now: number): AlertDecision[] {
    const decisions: AlertDecision[] = [];
    for (const [node, state] of this.nodes) {
      if (!state.held || now - state.lastChange < this.flap.quietMs) continue;
      state.held = false;
      state.changes = [];
      if (state.current === 'neutral' || state.current === state.announced) continue;
      state.announced = state.current;
      const reason = `stable for ${this.flap.quietMs / 60_000} minutes after flapping: ${state.currentReason}`;
      decisions.push({ action: 'send', alert: this.alert(state.current === 'down' ? 'node_down' : 'node_up', { node }, reason, now) });
    }
    return decisions;
  }

  isHeld(node: string): boolean {
    return this.nodes.get(node)?.held ?? false;
  }

  private alert(event: AlertEventName, subject: { node?: string; edge?: string }, reason: string, time: number): Alert {
    return { event, ...subject, reason, time, severity: SEVERITY[event] };
  }
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
