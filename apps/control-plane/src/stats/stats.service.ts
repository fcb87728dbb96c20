import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { EdgeReport, Logger } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { CLOCK, Clock, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { EdgesService } from '../edges/edges.service';
import { STATS_SWEEP_INTERVAL_MS } from './stats.constants';
import type { StatsReport } from './stats-report';
import { MAX_TRACKED_EDGES, MAX_TRACKED_NODES, TrafficBook } from './traffic-book';

/**
 * Client traffic over the last minute, 5 minutes and hour (GET /stats), from the traffic every edge puts in its
 * periodic report. Every control-plane replica receives every report (no NATS queue group), so each keeps the
 * whole picture and any of them answers alike (a replica started later has seen less of the hour).
 */
@Injectable()
export class StatsService implements OnModuleInit, OnModuleDestroy {
  private readonly book: TrafficBook;
  private stopListening: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly reports: Counter<'result'>;
  private readonly untracked: Counter<'kind'>;
  private capWarned = false;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) metrics: Registry,
    private readonly edges: EdgesService,
  ) {
    this.book = new TrafficBook(clock());
    const book = this.book;
    this.reports = new Counter({
      name: 'cdn_cp_stats_reports_total',
      help: 'Edge reports by what their traffic did for GET /stats: counted, or absent (an edge that does not send it, or sent it in a shape this version does not read)',
      labelNames: ['result'],
      registers: [metrics],
    });
    this.untracked = new Counter({
      name: 'cdn_cp_stats_untracked_total',
      help: `Nodes or edges whose traffic counted in the total only because ${MAX_TRACKED_NODES} nodes or ${MAX_TRACKED_EDGES} edges were already tracked, by kind`,
      labelNames: ['kind'],
      registers: [metrics],
    });
    new Gauge({
      name: 'cdn_cp_stats_tracked',
      help: 'Nodes and edges with traffic history for GET /stats, by kind',
      labelNames: ['kind'],
      registers: [metrics],
      collect() {
        this.set({ kind: 'node' }, book.trackedNodes);
        this.set({ kind: 'edge' }, book.trackedEdges);
      },
    });
  }

  onModuleInit(): void {
    this.stopListening = this.edges.listen({ onReport: (_edge, _previous, report) => this.record(report) });
    this.timer = setInterval(() => this.forget(), STATS_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stopListening?.();
    clearInterval(this.timer);
  }

  record(report: EdgeReport): void {
    if (report.traffic === undefined) return void this.reports.inc({ result: 'absent' });
    const { untrackedNodes, untrackedEdges } = this.book.record(this.clock(), report.edgeId, report.traffic);
    this.reports.inc({ result: 'counted' });
    if (untrackedNodes > 0) this.untracked.inc({ kind: 'node' }, untrackedNodes);
    if (untrackedEdges > 0) this.untracked.inc({ kind: 'edge' }, untrackedEdges);
    if ((untrackedNodes > 0 || untrackedEdges > 0) && !this.capWarned) {
      this.capWarned = true;
      this.logger.warn(`GET /stats tracks at most ${MAX_TRACKED_NODES} nodes and ${MAX_TRACKED_EDGES} edges: the traffic of others counts in the total only (cdn_cp_stats_untracked_total)`);
    }
  }

  report(): StatsReport {
    return this.book.report(this.clock());
  }

  private forget(): void {
    const dropped = this.book.forget(this.clock());
    if (dropped > 0) this.logger.info(`Stats: forgot ${dropped} nodes or edges that no edge report named for an hour`);
  }
}
