import { type EdgeTrafficReport, TrafficCounts } from '@cdn/shared';
import type { StatsReport, StatsWindow } from './stats-report';
import { toSeriesPoint, toStats } from './to-stats';
import { COARSE_SLOT_MS, COARSE_SLOTS, FINE_SLOT_MS, FINE_SLOTS, TrafficHistory, WINDOW_NAMES } from './traffic-history';

/** Histories beyond these are not kept (their traffic still counts in the total): more than any deployment runs. */
export const MAX_TRACKED_NODES = 5_000;
export const MAX_TRACKED_EDGES = 500;
/** A node or edge not named in any report for this long has nothing left in any window: it is forgotten. */
export const FORGET_AFTER_MS = COARSE_SLOT_MS * COARSE_SLOTS;

/** What one report did: how many node or edge histories it could not start because the caps were reached. */
export interface Recorded {
  untrackedNodes: number;
  untrackedEdges: number;
}

/**
 * Every edge's reported traffic, summed in time slots by arrival: in total, per node and per edge. Pure: time
 * is passed in. Reports carry traffic since the edge's previous report, so they add up whichever control-plane
 * replica receives them, and however many worker processes of one edge send them.
 */
export class TrafficBook {
  private readonly total: TrafficHistory;
  private readonly nodes = new Map<string, TrafficHistory>();
  private readonly edges = new Map<string, TrafficHistory>();

  constructor(private readonly startedAt: number) {
    this.total = new TrafficHistory(startedAt);
  }

  get trackedNodes(): number {
    return this.nodes.size;
  }

  get trackedEdges(): number {
    return this.edges.size;
  }

  record(now: number, edgeId: string, traffic: EdgeTrafficReport): Recorded {
    const recorded: Recorded = { untrackedNodes: 0, untrackedEdges: 0 };
    this.total.add(now, traffic.total);
    const edge = historyOf(this.edges, edgeId, MAX_TRACKED_EDGES, now);
    if (edge) edge.add(now, traffic.total);
    else recorded.untrackedEdges++;
    for (const [nodeId, nodeTraffic] of Object.entries(traffic.nodes ?? {})) {
      const node = historyOf(this.nodes, nodeId, MAX_TRACKED_NODES, now);
      if (node) node.add(now, nodeTraffic);
      else recorded.untrackedNodes++;
    }
    return recorded;
  }

  /** Drops the nodes and edges no report named for an hour; returns how many. */
  forget(now: number): number {
    let dropped = 0;
    for (const map of [this.nodes, this.edges]) {
      for (const [id, history] of map) {
        if (now - history.lastSeen < FORGET_AFTER_MS) continue;
        map.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  report(now: number): StatsReport {
    this.forget(now);
    const windows = {} as StatsReport['windows'];
    const totals = new TrafficCounts();
    for (const name of WINDOW_NAMES) {
      const window: StatsWindow = { total: this.stats(this.total, name, now, totals), nodes: {}, edges: {} };
      for (const id of [...this.nodes.keys()].sort()) window.nodes[id] = this.stats(this.nodes.get(id)!, name, now, totals);
      for (const id of [...this.edges.keys()].sort()) window.edges[id] = this.stats(this.edges.get(id)!, name, now, totals);
      windows[name] = window;
    }
    const points = [];
    const last = Math.floor(now / FINE_SLOT_MS);
    for (let slot = last - FINE_SLOTS + 1; slot <= last; slot++) points.push(toSeriesPoint(slot * FINE_SLOT_MS, this.total.fineSlot(slot, totals.reset())));
    return { generated_at: new Date(now).toISOString(), windows, series: { interval_seconds: FINE_SLOT_MS / 1000, points } };
  }

  private stats(history: TrafficHistory, name: (typeof WINDOW_NAMES)[number], now: number, totals: TrafficCounts) {
    const { from } = history.window(name, now, totals.reset());
    // A control plane younger than the window has seen only part of it: the rate is over what it saw.
    const seconds = (now - Math.max(from, this.startedAt)) / 1000;
    return toStats(totals, seconds);
  }
}

function historyOf(map: Map<string, TrafficHistory>, id: string, max: number, now: number): TrafficHistory | undefined {
  let history = map.get(id);
  if (history === undefined) {
    if (map.size >= max) return undefined;
    history = new TrafficHistory(now);
    map.set(id, history);
  }
  return history;
}
