/**
 * What the dashboard stream says, built once per tick for every client: a snapshot for a client that
 * connects, then only what changed (node rows, edges, the summary), with the whole node and edge tables
 * again every FULL_TABLE_MS. Each event is serialized once, whoever receives it.
 */
import type { HealthSettings } from '../health/node-health';
import type { EdgeView } from '../edges/edges.service';
import type { NodeState } from '../nodes/node-state';
import type { StatsReport } from '../stats/stats-report';
import { FULL_TABLE_MS, STATS_MS } from './dashboard.constants';
import { DashboardSummary, edgesKey, summarize } from './dashboard-summary';
import { DashboardTraffic, dashboardTraffic } from './dashboard-traffic';
import { allNodes, diffNodes, isEmpty, NodeRow, SentRow, toNodeRow } from './node-rows';
import { sseEvent } from './sse';

/** Where the dashboard's figures come from (the control plane's services, or a test's tables). */
export interface DashboardSources {
  nodes(): NodeState[];
  /** Live loads by node id (heartbeat load plus edges' in-flight requests). */
  loads(nodes: readonly NodeState[]): ReadonlyMap<string, number>;
  edges(): { revision: number; edges: EdgeView[] };
  cacheEnabled(): boolean;
  replica(): { self: string; leader: boolean };
  /** Client traffic the edges reported (GET /stats). */
  stats(): StatsReport;
  settings: HealthSettings;
  now(): number;
}

/** One event, ready to write. */
export interface DashboardEvent {
  type: 'snapshot' | 'nodes' | 'node_changes' | 'edges' | 'summary' | 'stats';
  text: string;
}

/** The first event a client gets: everything it shows. `at` is the control plane's clock, for ages. */
export interface DashboardSnapshot {
  at: string;
  summary: DashboardSummary;
  nodes: NodeRow[];
  edges: { revision: number; edges: EdgeView[] };
  stats: DashboardTraffic;
}

export class DashboardFrames {
  /** Row keys as last sent to every client. */
  private readonly sentNodes = new Map<string, SentRow>();
  private sentEdges = '';
  private sentSummary = '';
  private sentStats = '';
  private lastStats = 0;
  private lastFull = 0;

  constructor(
    private readonly sources: DashboardSources,
    private readonly fullTableMs = FULL_TABLE_MS,
    private readonly statsMs = STATS_MS,
  ) {}

  /**
   * Everything, for a client that connects. `restart` (the first client) also makes it the base of the
   * changes that follow; for later clients the base stays as the others were sent, and rows they get twice
   * are simply replaced.
   */
  snapshot(restart: boolean): DashboardEvent {
    const { sources } = this;
    const now = sources.now();
    const nodes = sources.nodes();
    const loads = sources.loads(nodes);
    const edges = sources.edges();
    const summary = this.summary(nodes, edges);
    const stats = dashboardTraffic(sources.stats());
    let rows: NodeRow[];
    if (restart) {
      rows = allNodes(nodes, loads, this.sentNodes, now, sources.settings);
      this.sentEdges = edgesKey(edges);
      this.sentSummary = JSON.stringify(summary);
      this.sentStats = JSON.stringify(stats);
      this.lastStats = now;
      this.lastFull = now;
    } else {
      rows = nodes.map((node) => toNodeRow(node, loads.get(node.id) ?? node.currentLoad, now, sources.settings));
    }
    const snapshot: DashboardSnapshot = { at: new Date(now).toISOString(), summary, nodes: rows, edges, stats };
    return { type: 'snapshot', text: sseEvent('snapshot', snapshot) };
  }

  /** What changed since the last call (or the whole tables when they are due): possibly nothing. */
  next(): DashboardEvent[] {
    const { sources } = this;
    const now = sources.now();
    const at = new Date(now).toISOString();
    const nodes = sources.nodes();
    const loads = sources.loads(nodes);
    const edges = sources.edges();
    const events: DashboardEvent[] = [];
    const full = now - this.lastFull >= this.fullTableMs;
    if (full) {
      this.lastFull = now;
      events.push({ type: 'nodes', text: sseEvent('nodes', { at, nodes: allNodes(nodes, loads, this.sentNodes, now, sources.settings) }) });
    } else {
      const changes = diffNodes(nodes, loads, this.sentNodes, now, sources.settings);
      if (!isEmpty(changes)) events.push({ type: 'node_changes', text: sseEvent('node_changes', { at, ...changes }) });
    }
    const key = edgesKey(edges);
    if (full || key !== this.sentEdges) {
      this.sentEdges = key;
      events.push({ type: 'edges', text: sseEvent('edges', { at, ...edges }) });
    }
    const summary = this.summary(nodes, edges);
    const summaryText = JSON.stringify(summary);
    if (summaryText !== this.sentSummary) {
      this.sentSummary = summaryText;
      events.push({ type: 'summary', text: sseEvent('summary', { at, ...summary }) });
    }
    if (now - this.lastStats >= this.statsMs) {
      this.lastStats = now;
      const stats = JSON.stringify(dashboardTraffic(sources.stats()));
      if (stats !== this.sentStats) {
        this.sentStats = stats;
        events.push({ type: 'stats', text: `event: stats\ndata: {"at":${JSON.stringify(at)},${stats.slice(1)}\n\n` });
      }
    }
    return events;
  }

  private summary(nodes: readonly NodeState[], edges: { revision: number; edges: EdgeView[] }): DashboardSummary {
    return summarize({ nodes, edges, cacheEnabled: this.sources.cacheEnabled(), replica: this.sources.replica() });
  }
}
