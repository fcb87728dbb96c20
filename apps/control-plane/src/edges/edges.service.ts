import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { EdgeReport, Logger, RoutingSource } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { CLOCK, Clock, LOGGER, METRICS_REGISTRY, ROUTING_SOURCE } from '../core/core.constants';
import { checkEdge, EdgeRecord, edgeLag } from './edge-liveness';

/** One entry of `GET /edges`. */
export interface EdgeView {
  id: string;
  revision: number;
  lag: number;
  /** live: from the routing bucket; saved: from the edge's --state-dir, because it cannot read the bucket (yet). */
  table_source: 'live' | 'saved';
  /** With table_source "saved": when the edge saved that table. */
  table_saved_at?: string;
  last_report: string;
  seconds_since_report: number;
  status: 'live' | 'lost';
  started_at: string;
  address?: string;
}

const SWEEP_INTERVAL_MS = 1_000;

/** Told of every accepted report, and of every edge declared lost (health and alerts listen). */
export interface EdgeListener {
  /** `report` is the report as received (its traffic is only there, not in the record). */
  onReport?(edge: EdgeRecord, previous: EdgeRecord | undefined, report: EdgeReport): void;
  onLost?(edge: EdgeRecord, silentSeconds: number): void;
}

/** The edges that report to this control plane, and how far behind the latest routing table each is. */
@Injectable()
export class EdgesService implements OnModuleInit, OnModuleDestroy {
  private readonly edges = new Map<string, EdgeRecord>();
  private timer: NodeJS.Timeout | undefined;
  private readonly reports: Counter<'result'>;
  private readonly trafficIgnored: Counter;
  private readonly listeners = new Set<EdgeListener>();
  /** Edges already warned about for unreadable traffic; forgotten with the edge. */
  private readonly trafficWarned = new Set<string>();

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ROUTING_SOURCE) private readonly source: RoutingSource,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.reports = new Counter({ name: 'cdn_cp_edge_reports_total', help: 'Reports received from edges, by result', labelNames: ['result'], registers: [metrics] });
    this.trafficIgnored = new Counter({
      name: 'cdn_cp_edge_traffic_ignored_total',
      help: 'Edge reports kept without the traffic in them, which failed its schema (GET /stats does not count it)',
      registers: [metrics],
    });
    const edges = this.edges;
    new Gauge({
      name: 'cdn_cp_edge_tables',
      help: 'Live edges by where their routing table came from: live (the routing bucket) or saved (their --state-dir; they cannot read the bucket)',
      labelNames: ['table'],
      registers: [metrics],
      collect() {
        const live = [...edges.values()].filter((e) => e.status === 'live');
        const saved = live.filter((e) => e.table === 'saved').length;
        this.set({ table: 'saved' }, saved);
        this.set({ table: 'live' }, live.length - saved);
      },
    });
    new Gauge({
      name: 'cdn_cp_edges',
      help: 'Known edges, by status',
      labelNames: ['status'],
      registers: [metrics],
      collect() {
        const live = [...edges.values()].filter((e) => e.status === 'live').length;
        this.set({ status: 'live' }, live);
        this.set({ status: 'lost' }, edges.size - live);
      },
    });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The newest revision our own reader has seen: what every edge should be serving. */
  latestRevision(): number {
    return this.source.current()?.revision ?? 0;
  }

  /** Returns the function that unsubscribes. */
  listen(listener: EdgeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The edges reporting now, with their latest report. */
  liveEdges(): EdgeRecord[] {
    return [...this.edges.values()].filter((edge) => edge.status === 'live');
  }

  record(report: EdgeReport): void {
    const now = this.clock();
    const known = this.edges.get(report.edgeId);
    const record: EdgeRecord = {
      id: report.edgeId,
      revision: report.revision,
      // Edges that do not say predate --state-dir: every table they serve is live.
      table: report.table ?? 'live',
      ...(report.table === 'saved' && report.tableSavedAt !== undefined ? { tableSavedAt: report.tableSavedAt } : {}),
      receivedAt: now,
      startedAt: report.startedAt,
      address: report.address,
      status: 'live',
      // A Map: ids come from the network, and a plain object would answer prototype names it was never sent.
      ...(report.nodes ? { nodes: new Map(Object.entries(report.nodes)) } : {}),
    };
    this.edges.set(report.edgeId, record);
    this.reports.inc({ result: 'ok' });
    this.logTransition(record, known);
    for (const listener of this.listeners) this.notify(() => listener.onReport?.(record, known, report));
  }

  /** One line when an edge appears, comes back, restarts or catches up; a WARNING while it serves a saved table. */
  private logTransition(edge: EdgeRecord, known: EdgeRecord | undefined): void {
    const what = !known
      ? `connected${edge.address ? ` at ${edge.address}` : ''}`
      : known.status === 'lost'
        ? 'is reporting again'
        : known.startedAt !== edge.startedAt
          ? 'restarted'
          : known.table === 'saved' && edge.table === 'live'
            ? 'caught up'
            : undefined;
    if (what === undefined) return;
    if (edge.table === 'live') {
      const was = known?.table === 'saved' && known.status === 'live' ? ' (was serving its saved table)' : '';
      return void this.logger.info(`Edge ${edge.id} ${what}, serving routing revision ${edge.revision}${was}`);
    }
    // It routes by what it knew when it saved the table, not by what this control plane publishes now.
    const at = edge.tableSavedAt === undefined ? '' : ` at ${new Date(edge.tableSavedAt).toISOString()}`;
    this.logger.warn(`Edge ${edge.id} ${what}, serving the routing table it saved${at} (revision ${edge.revision}) in its --state-dir, not the live one: it cannot read the routing bucket`);
  }

  private notify(call: () => void): void {
    try {
      call();
    } catch (err) {
      this.logger.error({ err }, 'An edge listener failed');
    }
  }

  /** The report was kept but not its traffic (GET /stats misses it): warned once per edge, counted every time. */
  ignoredTraffic(edgeId: string, reason: string): void {
    this.trafficIgnored.inc();
    if (this.trafficWarned.has(edgeId)) return;
    this.trafficWarned.add(edgeId);
    this.logger.warn(`Ignored the traffic in edge ${edgeId}'s reports (GET /stats does not count it): ${reason}`);
  }

  rejected(reason: string): void {
    this.reports.inc({ result: 'invalid' });
    this.logger.warn(`Ignored an invalid edge report: ${reason}`);
  }

  /** Declares silent edges lost and forgets long-lost ones. */
  sweep(): void {
    const now = this.clock();
    for (const edge of [...this.edges.values()]) {
      const change = checkEdge(edge, now);
      if (change?.kind === 'lost') {
        const lost: EdgeRecord = { ...edge, status: 'lost', lostAt: now };
        this.edges.set(edge.id, lost);
        this.logger.warn(`Edge ${edge.id} is lost: no report for ${change.silentSeconds} s`);
        for (const listener of this.listeners) this.notify(() => listener.onLost?.(lost, change.silentSeconds));
      } else if (change?.kind === 'forget') {
        this.edges.delete(edge.id);
        this.trafficWarned.delete(edge.id);
        this.logger.info(`Forgot edge ${edge.id}: lost for more than 10 minutes`);
      }
    }
  }

  /** Whether an edge reports now, was declared lost, or has not been heard from (or was forgotten). */
  status(id: string): 'live' | 'lost' | 'unknown' {
    return this.edges.get(id)?.status ?? 'unknown';
  }

  /** Ids of the edges reporting now, sorted: who must answer a cache operation. */
  liveEdgeIds(): string[] {
    this.sweep();
    return [...this.edges.values()]
      .filter((edge) => edge.status === 'live')
      .map((edge) => edge.id)
      .sort();
  }

  view(): { revision: number; edges: EdgeView[] } {
    this.sweep();
    const now = this.clock();
    const latest = this.latestRevision();
    const edges = [...this.edges.values()].map((edge) => ({
      id: edge.id,
      revision: edge.revision,
      lag: edgeLag(edge, latest),
      table_source: edge.table,
      ...(edge.tableSavedAt !== undefined ? { table_saved_at: new Date(edge.tableSavedAt).toISOString() } : {}),
      last_report: new Date(edge.receivedAt).toISOString(),
      seconds_since_report: Math.max(0, Math.floor((now - edge.receivedAt) / 1000)),
      status: edge.status,
      started_at: new Date(edge.startedAt).toISOString(),
      ...(edge.address ? { address: edge.address } : {}),
    }));
    return { revision: latest, edges };
  }
}

